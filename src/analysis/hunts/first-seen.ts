/** First-seen country, network (ASN) or address for an account with a sign-in history (ATT&CK T1078). */
import type { Finding, Hunt, Severity } from "../findings.js";
import { addressList, ALL_COPIES, finding, number, Settings, strings, strongest, text } from "./common.js";

const ID = "first-seen";

export const firstSeen: Hunt = {
  id: ID,
  title: "First-seen country, network or address for an account",
  technique: "T1078",
  techniqueName: "Valid Accounts",
  async run({ store, config }) {
    const s = Settings.of(config, ID);
    if (!s.enabled) return [];
    const allow = addressList(s, "allow_ips");
    const minPrior = Math.trunc(s.num("min_prior_signins"));
    // History lists are gathered only for new countries and networks (the rarer case).
    // A sign-in is one (account, address, second): the Entra record, its audit-log copy and the
    // duplicates of either are one (a duplicate may carry the country or ASN its kept copy lacks).
    const rows = await store.all(`
      WITH signins AS (
        SELECT lower(user_name) AS account, client_ip AS ip, ts // 1000 AS sec, min(ts) AS ts,
               max(coalesce((data->'location'->>'country'), (data->>'country'))) AS country,
               max(TRY_CAST((data->>'asn') AS BIGINT)) AS asn, list(DISTINCT id ORDER BY id) AS ids
        FROM ${ALL_COPIES}
        WHERE kind = 'auth' AND result = 'success' AND coalesce(user_name, '') <> '' AND client_ip IS NOT NULL
        GROUP BY account, ip, sec
      ),
      ranked AS (
        SELECT *, row_number() OVER (PARTITION BY account ORDER BY ts, ip) - 1 AS prior,
               ts = min(ts) OVER (PARTITION BY account, ip) AS new_ip,
               country IS NOT NULL AND ts = min(ts) OVER (PARTITION BY account, country) AS new_country,
               asn IS NOT NULL AND ts = min(ts) OVER (PARTITION BY account, asn) AS new_asn
        FROM signins
      ),
      known AS (
        SELECT r.account, r.ts, list_sort(list(DISTINCT k.country) FILTER (WHERE k.country IS NOT NULL)) AS countries,
               list_sort(list(DISTINCT k.asn::VARCHAR) FILTER (WHERE k.asn IS NOT NULL)) AS asns
        FROM ranked r JOIN signins k ON k.account = r.account AND k.ts < r.ts
        WHERE r.prior >= ${minPrior} AND r.new_ip AND (r.new_country OR r.new_asn)
        GROUP BY r.account, r.ts
      )
      SELECT r.*, k.countries, k.asns FROM ranked r LEFT JOIN known k ON k.account = r.account AND k.ts = r.ts
      WHERE r.prior >= ${minPrior} AND r.new_ip
      ORDER BY r.ts, r.account`);
    const findings: Finding[] = [];
    for (const row of rows) {
      const account = text(row, "account") ?? "";
      const ip = text(row, "ip") ?? "";
      if (allow.has(ip)) continue;
      const country = text(row, "country");
      const asn = text(row, "asn");
      const what: string[] = [];
      let severity: Severity = "info";
      if (row["new_country"] === true) {
        what.push(`country ${country}`);
        severity = strongest(severity, s.severity("country_severity"));
      }
      if (row["new_asn"] === true) {
        what.push(`network AS${asn}`);
        severity = strongest(severity, s.severity("asn_severity"));
      }
      if (what.length === 0) {
        if (!s.bool("report_address_only")) continue;
        severity = s.severity("address_severity");
      }
      what.push(`address ${ip}`);
      const prior = number(row, "prior");
      const countries = strings(row, "countries");
      const asns = strings(row, "asns");
      const history = [countries.length > 0 ? `countries ${countries.join(", ")}` : "", asns.length > 0 ? `networks ${asns.map((n) => `AS${n}`).join(", ")}` : ""].filter((part) => part).join("; ");
      findings.push(
        finding({
          id: `${ID}:${account}:${ip}`,
          rule: ID,
          title: `${account}: first sign-in from ${what[0]}`,
          severity,
          technique: this.technique,
          techniqueName: this.techniqueName,
          explanation:
            `${account} signed in at ${new Date(number(row, "ts")).toISOString()} from ${what.join(", ")}, never seen for this account in its ${prior} earlier successful sign-ins in the evidence` +
            `${history ? ` (${history})` : ""}. A new place or provider is how a stolen password or token shows up; benign for travel, a new phone or a new home connection.`,
          eventIds: strings(row, "ids"),
          accounts: [account],
          ips: [ip],
          first: number(row, "ts"),
          last: number(row, "ts"),
        }),
      );
    }
    return findings;
  },
};
