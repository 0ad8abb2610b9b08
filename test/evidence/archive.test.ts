/** Zip members that overlap or point outside the file are refused, each with a reason; the rest is read. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, memberStream, openZip } from "../../src/evidence/archive.js";
import { buildZip } from "../hostile/build.js";

const LOG = readFileSync(new URL("../../fixtures/dovecot/dovecot-log/crowdsec-dovecot-logs.log", import.meta.url));

async function open(zip: Buffer) {
  const path = join(mkdtempSync(join(tmpdir(), "mailtrail-zip-")), "a.zip");
  writeFileSync(path, zip);
  return openZip(path, DEFAULT_LIMITS);
}

async function read(opened: Awaited<ReturnType<typeof open>>, name: string): Promise<Buffer> {
  const member = opened.members.find((entry) => entry.name === name);
  if (!member) throw new Error(`${name} not listed`);
  const chunks: Buffer[] = [];
  for await (const chunk of memberStream(opened, member, DEFAULT_LIMITS, name)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe("zip structure limits", () => {
  it("refuses members whose data overlap (the overlapping-entry bomb) and reads the others", async () => {
    const extra = Array.from({ length: 50 }, (_, i) => ({ name: `k${i}.log`, target: 0 }));
    const opened = await open(buildZip([{ name: "kernel.log", data: Buffer.alloc(1 << 20, 0x41), deflate: true }, { name: "good.log", data: LOG }], extra));
    try {
      expect(opened.members.map((member) => member.name)).toEqual(["good.log"]);
      expect(opened.refused).toHaveLength(51);
      expect(new Set(opened.refused.map((entry) => entry.reason))).toEqual(new Set(["its data overlap another member's (an overlapping-entry zip bomb)"]));
      expect(await read(opened, "good.log")).toEqual(LOG);
    } finally {
      opened.zip.close();
    }
  });

  it("refuses a member whose data would lie past the end of the file", async () => {
    const zip = buildZip([{ name: "good.log", data: LOG }], [{ name: "far.log", target: 0, offset: 5_000_000 }]);
    const opened = await open(zip);
    try {
      expect(opened.members.map((member) => member.name)).toEqual(["good.log"]);
      expect(opened.refused).toEqual([{ name: "far.log", reason: `its data (5000000..${5_000_000 + 30 + 7 + LOG.length}) lie outside the file (${zip.length} bytes)` }]);
    } finally {
      opened.zip.close();
    }
  });

  it("leaves members that merely sit side by side alone", async () => {
    const opened = await open(buildZip([{ name: "a.log", data: LOG }, { name: "b.log", data: LOG, deflate: true }, { name: "c.log", data: Buffer.alloc(0) }]));
    try {
      expect(opened.refused).toEqual([]);
      expect(opened.members.map((member) => member.name)).toEqual(["a.log", "b.log", "c.log"]);
      expect(await read(opened, "b.log")).toEqual(LOG);
    } finally {
      opened.zip.close();
    }
  });
});
