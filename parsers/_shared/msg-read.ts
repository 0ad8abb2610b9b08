/** Outlook .msg files (OLE2 compound files) through @kenjiuno/msgreader, shared by msg, ediscovery and the deep pass. */
import msgreaderModule, { type FieldsData } from "@kenjiuno/msgreader";

/** The package is CommonJS with `exports.default`: under Node's ESM loader the class is `.default`. */
export const MsgReader = msgreaderModule.default;

/** OLE2 / CFB magic. */
export function isCfbHead(head: Buffer): boolean {
  return head.length >= 8 && head.readUInt32BE(0) === 0xd0cf11e0 && head.readUInt32BE(4) === 0xa1b11ae1;
}

export interface MsgFile {
  reader: InstanceType<typeof MsgReader>;
  fields: FieldsData;
}

/** Parses a whole .msg held in memory; throws when it is not one. */
export function readMsg(data: Buffer): MsgFile {
  const copy = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  const reader = new MsgReader(copy);
  const fields = reader.getFileData();
  if (fields.error !== undefined) throw new Error(fields.error);
  return { reader, fields };
}
