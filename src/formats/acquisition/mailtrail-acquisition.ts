/**
 * mailtrail's own acquisition manifest (`acquisition.json` of `mailtrail acquire graph`): each
 * collection run becomes an event, so the timeline shows when and how the evidence was taken
 * (chain of custody) and a `mailtrail run` over an acquisition folder reads it instead of warning.
 */
import { defineFileFormat, type ParsedItem } from "../../model/format.js";
import { headText } from "../../lib/text.js";
import { recordContext } from "../build.js";
import { DETAIL, TIME } from "../wording.js";

/** The manifest is one small object (a run and a window list per pull); past this, it is not ours. */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

interface Manifest {
  tenant?: string;
  graphUrl?: string;
  since?: string;
  until?: string;
  what?: string[];
  runs?: { run?: number; startedAt?: string; endedAt?: string; status?: string; records?: number; auth?: string; problems?: string[] }[];
}

export const mailtrailAcquisition = defineFileFormat({
  name: "mailtrail-acquisition",
  description: "mailtrail's own Graph acquisition manifest (acquisition.json): one event per collection run",
  sniff(head) {
    const text = headText(head).trimStart();
    return text.startsWith("{") && /"format"\s*:\s*"mailtrail-graph-acquisition/.test(text.slice(0, 512)) && /"tool"\s*:\s*\{\s*"name"\s*:\s*"mailtrail"/.test(text.slice(0, 4096));
  },
  async *parse(source, ctx): AsyncGenerator<ParsedItem> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of source.stream()) {
      size += (chunk as Buffer).length;
      if (size > MAX_MANIFEST_BYTES) {
        ctx.warn({ offset: 0 }, `larger than ${MAX_MANIFEST_BYTES} bytes: not a mailtrail acquisition manifest`);
        return;
      }
      chunks.push(chunk as Buffer);
    }
    let manifest: Manifest;
    try {
      manifest = JSON.parse(Buffer.concat(chunks).toString("utf8").replace(/^\uFEFF/, "")) as Manifest;
    } catch (error) {
      ctx.warn({ offset: 0 }, `not valid JSON: ${(error as Error).message}`);
      return;
    }
    for (const [index, run] of (manifest.runs ?? []).entries()) {
      const ts = Date.parse(run.startedAt ?? "");
      if (!Number.isFinite(ts)) {
        ctx.warn({ recordId: `run ${run.run ?? index + 1}` }, "acquisition run without a valid startedAt");
        continue;
      }
      const at = recordContext({
        ts,
        tsDesc: TIME.acquisition_start,
        action: "Evidence acquisition (Microsoft Graph)",
        result: run.status === "complete" ? "success" : run.status === undefined ? undefined : "failure",
        ref: { recordId: `run ${run.run ?? index + 1}` },
      });
      const detail = DETAIL.acquisition_run({
        tenant: manifest.tenant,
        what: (manifest.what ?? []).join(", "),
        since: manifest.since,
        until: manifest.until,
        records: run.records ?? 0,
        status: run.status,
        endedAt: run.endedAt || undefined,
      });
      yield at.other({ detail, extra: { graphUrl: manifest.graphUrl, auth: run.auth, problems: run.problems } });
    }
  },
});
