/** Password spray: one source fails against many accounts (ATT&CK T1110.003). */
import type { Finding, Hunt } from "../findings.js";
import { addressList, cappedIds, finding, number, plural, quoteList, Settings, strings, text } from "./common.js";
import { burstKeys, failureBursts } from "./failure-bursts.js";

const ID = "password-spray";

export const passwordSpray: Hunt = {
  id: ID,
  title: "Password spray",
  technique: "T1110.003",
  techniqueName: "Password Spraying",
  async run({ store, config }) {
    const s = Settings.of(config, ID);
    if (!s.enabled) return [];
    const allow = addressList(s, "allow_ips");
    const rows = await failureBursts(store, config, { by: "ip", gapMinutes: s.num("gap_minutes"), minAccounts: s.num("min_accounts"), minAttempts: s.num("min_failures") });
    const keys = burstKeys(rows);
    const findings: Finding[] = [];
    rows.forEach((row, index) => {
      const ip = text(row, "key") ?? "";
      if (allow.has(ip)) return;
      const accounts = strings(row, "accounts");
      const attempts = number(row, "attempts");
      const { eventIds, note } = cappedIds(strings(row, "ids"), number(row, "n_events"), Number.MAX_SAFE_INTEGER);
      findings.push(
        finding({
          id: `${ID}:${keys[index]}`,
          rule: ID,
          title: `Password spray from ${ip} against ${plural(accounts.length, "account")}`,
          severity: s.severity("severity"),
          technique: this.technique,
          techniqueName: this.techniqueName,
          explanation:
            `${plural(attempts, "failed sign-in attempt")} from ${ip} against ${plural(accounts.length, "different account")} ` +
            `(${quoteList(accounts)}) between ${new Date(number(row, "first_ts")).toISOString()} and ${new Date(number(row, "last_ts")).toISOString()}. ` +
            `Trying few passwords against many accounts from one address is password spraying: it stays under per-account lockout. ` +
            `Check whether any of these accounts then signed in successfully from ${ip}. ` +
            `Benign when ${ip} is a gateway or proxy that relays many users' sign-ins (list it in password-spray.allow_ips).${note}`,
          eventIds,
          accounts,
          ips: [ip],
          first: number(row, "first_ts"),
          last: number(row, "last_ts"),
        }),
      );
    });
    return findings;
  },
};
