/** Password spray: one source fails against many accounts (ATT&CK T1110.003). */
import type { Finding } from "../findings.js";
import { addressList, cappedIds, nonEmpty, plural, quoteList } from "./common.js";
import { defineHunt } from "./define.js";
import { burstKeys, failureBursts } from "./failure-bursts.js";

const ID = "password-spray";

export const passwordSpray = defineHunt({
  id: ID,
  title: "Password spray",
  technique: "T1110.003",
  techniqueName: "Password Spraying",
  async run({ store, config, s, finding }) {
    const allow = addressList(s, "allow_ips");
    const rows = await failureBursts(store, config, { by: "ip", gapMinutes: s.num("gap_minutes"), minAccounts: s.num("min_accounts"), minAttempts: s.num("min_failures") });
    const keys = burstKeys(rows);
    const findings: Finding[] = [];
    rows.forEach((row, index) => {
      const ip = row.key;
      if (allow.has(ip)) return;
      const accounts = nonEmpty(row.accounts);
      const attempts = row.attempts;
      const { eventIds, note } = cappedIds(nonEmpty(row.ids), row.nEvents, Number.MAX_SAFE_INTEGER);
      findings.push(
        finding({
          id: `${ID}:${keys[index]}`,
          title: `Password spray from ${ip} against ${plural(accounts.length, "account")}`,
          severity: s.severity("severity"),
          explanation:
            `${plural(attempts, "failed sign-in attempt")} from ${ip} against ${plural(accounts.length, "different account")} ` +
            `(${quoteList(accounts)}) between ${new Date(row.firstTs).toISOString()} and ${new Date(row.lastTs).toISOString()}. ` +
            `Trying few passwords against many accounts from one address is password spraying: it stays under per-account lockout. ` +
            `Check whether any of these accounts then signed in successfully from ${ip}. ` +
            `Benign when ${ip} is a gateway or proxy that relays many users' sign-ins (list it in password-spray.allow_ips).${note}`,
          eventIds,
          accounts,
          ips: [ip],
          first: row.firstTs,
          last: row.lastTs,
        }),
      );
    });
    return findings;
  },
});
