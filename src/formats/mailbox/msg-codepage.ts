/**
 * The code page of a .msg's 8-bit strings (PT_STRING8, `__substg1.0_XXXX001E` streams). Outlook
 * writes them in the code page of the message: PR_MESSAGE_CODEPAGE when set, else the Windows
 * code page behind PR_INTERNET_CPID (ISO-2022-JP mail was written in CP932), else the one of
 * PR_MESSAGE_LOCALE_ID. msgreader decodes them with the encoding it is given (Latin-1 when none).
 */
import type { FieldsData } from "@kenjiuno/msgreader";

/** Internet code pages (MIME charsets) → the Windows code page of the same script. */
const INTERNET_TO_WINDOWS: ReadonlyMap<number, number> = new Map([
  ...[50220, 50221, 50222, 51932, 20932, 10001].map((cp) => [cp, 932] as const),
  ...[52936, 54936, 20936, 50227].map((cp) => [cp, 936] as const),
  ...[51949, 50225, 20949, 1361].map((cp) => [cp, 949] as const),
  ...[20000, 20002, 10002].map((cp) => [cp, 950] as const),
  [28592, 1250],
  ...[28595, 20866, 21866, 10007].map((cp) => [cp, 1251] as const),
  ...[28591, 28605, 10000].map((cp) => [cp, 1252] as const),
  [28597, 1253],
  [28599, 1254],
  ...[28598, 38598].map((cp) => [cp, 1255] as const),
  [28596, 1256],
  ...[28594, 28603].map((cp) => [cp, 1257] as const),
  [28601, 874],
]);

/** Windows ANSI code pages msgreader's decoder (iconv-lite) knows, by number. */
const ENCODINGS: ReadonlyMap<number, string> = new Map([
  [874, "windows-874"],
  [932, "cp932"],
  [936, "cp936"],
  [949, "cp949"],
  [950, "cp950"],
  ...[1250, 1251, 1252, 1253, 1254, 1255, 1256, 1257, 1258].map((cp) => [cp, `windows-${cp}`] as const),
  [65001, "utf8"],
]);

/** Primary language of an LCID → its Windows ANSI code page (western languages: 1252). */
const LANGUAGE_CODE_PAGE: ReadonlyMap<number, number> = new Map([
  [0x11, 932],
  [0x12, 949],
  [0x1e, 874],
  [0x2a, 1258],
  [0x08, 1253],
  [0x1f, 1254],
  [0x0d, 1255],
  ...[0x01, 0x29, 0x20].map((lang) => [lang, 1256] as const),
  ...[0x25, 0x26, 0x27].map((lang) => [lang, 1257] as const),
  ...[0x19, 0x22, 0x23, 0x02, 0x2f, 0x3f, 0x44, 0x50].map((lang) => [lang, 1251] as const),
  ...[0x05, 0x0e, 0x15, 0x18, 0x1b, 0x24, 0x1c, 0x1a].map((lang) => [lang, 1250] as const),
]);

function localeCodePage(lcid: number): number {
  const language = lcid & 0x3ff;
  if (language === 0x04) return lcid === 0x0804 || lcid === 0x1004 ? 936 : 950; // zh-CN, zh-SG; else TW/HK/MO
  return LANGUAGE_CODE_PAGE.get(language) ?? 1252;
}

export interface MsgCodePage {
  codePage: number;
  encoding: string;
  /** Which property said so. */
  from: "PR_MESSAGE_CODEPAGE" | "PR_INTERNET_CPID" | "PR_MESSAGE_LOCALE_ID";
}

/** The code page of the message's 8-bit strings, when its properties say one msgreader can decode. */
export function msgCodePage(fields: Pick<FieldsData, "messageCodepage" | "internetCodepage" | "messageLocaleId">): MsgCodePage | undefined {
  const own = fields.messageCodepage;
  if (own !== undefined && ENCODINGS.has(own)) return { codePage: own, encoding: ENCODINGS.get(own) as string, from: "PR_MESSAGE_CODEPAGE" };
  const internet = fields.internetCodepage;
  const windows = internet === undefined ? undefined : ENCODINGS.has(internet) && internet !== 65001 ? internet : INTERNET_TO_WINDOWS.get(internet);
  if (windows !== undefined) return { codePage: windows, encoding: ENCODINGS.get(windows) as string, from: "PR_INTERNET_CPID" };
  // US-ASCII, UTF-8 or an unknown charset say nothing of the 8-bit strings: the locale does.
  const lcid = fields.messageLocaleId;
  if (lcid === undefined) return undefined;
  const page = localeCodePage(lcid);
  return { codePage: page, encoding: ENCODINGS.get(page) as string, from: "PR_MESSAGE_LOCALE_ID" };
}

/** `001E` in UTF-16, as it ends a PT_STRING8 stream's name in the compound file's directory. */
const STRING8_NAME_END = [Buffer.from("001E\0", "utf16le"), Buffer.from("001e\0", "utf16le")];

/** Does the compound file hold 8-bit string streams at all (a Unicode .msg has none)? */
export function hasString8Streams(data: Buffer): boolean {
  return STRING8_NAME_END.some((needle) => data.indexOf(needle) !== -1);
}
