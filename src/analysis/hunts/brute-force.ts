/** Brute force: many failed attempts against one account (ATT&CK T1110.001). */
import type { Finding, Hunt } from "../findings.js";
import { addressList, cappedIds, finding, number, plural, quoteList, Settings, strings, text } from "./common.js";
import { burstKeys, failureBursts } from "./failure-bursts.js";

const ID = "brute-force";

export const bruteForce: Hunt = {
  id: ID,
  title: "Brute force against one account",
  technique: "T1110.001",
  techniqueName: "Password Guessing",
  async run({ store, config }) {
    const s = Settings.of(config, ID);
    if (!s.enabled) return [];
    const allow = addressList(s, "allow_ips");
    const rows = await failureBursts(store, config, { by: "account", gapMinutes: s.num("gap_minutes"), minAccounts: 1, minAttempts: s.num("min_failures") });
    const keys = burstKeys(rows);
    const findings: Finding[] = [];
    rows.forEach((row, index) => {
      const account = text(row, "key") ?? "";
      const ips = strings(row, "ips");
      if (ips.length > 0 && ips.every((ip) => allow.has(ip))) return;
      const attempts = number(row, "attempts");
      const { eventIds, note } = cappedIds(strings(row, "ids"), number(row, "n_events"), Number.MAX_SAFE_INTEGER);
      findings.push(
        finding({
          id: `${ID}:${keys[index]}`,
          rule: ID,
          title: `${plural(attempts, "failed sign-in attempt")} against ${account}`,
          severity: s.severity("severity"),
          technique: this.technique,
          techniqueName: this.techniqueName,
          explanation:
            `${plural(attempts, "failed sign-in attempt")} against ${account} from ${ips.length > 0 ? quoteList(ips) : "unknown addresses"} ` +
            `between ${new Date(number(row, "first_ts")).toISOString()} and ${new Date(number(row, "last_ts")).toISOString()}, with no pause longer than ${s.num("gap_minutes")} minutes. ` +
            `That many failures in a row is password guessing, not a person mistyping (who gives up or resets after a few tries). ` +
            `Benign when a device keeps retrying an old password after a password change: check the user agent and whether the address is the user's own.${note}`,
          eventIds,
          accounts: [account],
          ips,
          first: number(row, "first_ts"),
          last: number(row, "last_ts"),
        }),
      );
    });
    return findings;
  },
};
