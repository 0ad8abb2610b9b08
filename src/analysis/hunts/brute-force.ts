/** Brute force: many failed attempts against one account (ATT&CK T1110.001). */
import type { Finding } from "../findings.js";
import { addressList, cappedIds, nonEmpty, plural, quoteList } from "./common.js";
import { defineHunt } from "./define.js";
import { burstKeys, failureBursts } from "./failure-bursts.js";

const ID = "brute-force";

export const bruteForce = defineHunt({
  id: ID,
  title: "Brute force against one account",
  technique: "T1110.001",
  techniqueName: "Password Guessing",
  async run({ store, config, s, finding }) {
    const allow = addressList(s, "allow_ips");
    const rows = await failureBursts(store, config, { by: "account", gapMinutes: s.num("gap_minutes"), minAccounts: 1, minAttempts: s.num("min_failures") });
    const keys = burstKeys(rows);
    const findings: Finding[] = [];
    rows.forEach((row, index) => {
      const account = row.key;
      const ips = nonEmpty(row.ips);
      if (ips.length > 0 && ips.every((ip) => allow.has(ip))) return;
      const attempts = row.attempts;
      const { eventIds, note } = cappedIds(nonEmpty(row.ids), row.nEvents, Number.MAX_SAFE_INTEGER);
      findings.push(
        finding({
          id: `${ID}:${keys[index]}`,
          title: `${plural(attempts, "failed sign-in attempt")} against ${account}`,
          severity: s.severity("severity"),
          explanation:
            `${plural(attempts, "failed sign-in attempt")} against ${account} from ${ips.length > 0 ? quoteList(ips) : "unknown addresses"} ` +
            `between ${new Date(row.firstTs).toISOString()} and ${new Date(row.lastTs).toISOString()}, with no pause longer than ${s.num("gap_minutes")} minutes. ` +
            `That many failures in a row is password guessing, not a person mistyping (who gives up or resets after a few tries). ` +
            `Benign when a device keeps retrying an old password after a password change: check the user agent and whether the address is the user's own.${note}`,
          eventIds,
          accounts: [account],
          ips,
          first: row.firstTs,
          last: row.lastTs,
        }),
      );
    });
    return findings;
  },
});
