/** First-seen country, network (ASN) or address for an account with a sign-in history (ATT&CK T1078). */
import { bigint, boolean, EVENTS, varchar, varcharList } from "../../model/columns.js";
import { eventField } from "../../store/sql.js";
import type { Finding, Severity } from "../findings.js";
import { ALL_COPIES } from "../views.js";
import { addressList, nonEmpty, strongest } from "./common.js";
import { defineHunt } from "./define.js";

const ID = "first-seen";
const E = EVENTS.col;

/** A first sign-in from an address, with what was new about it and the account's history. */
const NEW_SIGNIN = {
  account: varchar().notNull,
  ip: varchar().notNull,
  ts: bigint().notNull,
  country: varchar(),
  asn: varchar(),
  ids: varcharList(),
  prior: bigint().notNull,
  newCountry: boolean(),
  newAsn: boolean(),
  countries: varcharList(),
  asns: varcharList(),
};

export const firstSeen = defineHunt({
  id: ID,
  title: "First-seen country, network or address for an account",
  technique: "T1078",
  techniqueName: "Valid Accounts",
  async run({ store, s, finding }) {
    const allow = addressList(s, "allow_ips");
    const minPrior = Math.trunc(s.num("min_prior_signins"));
    // History lists are gathered only for new countries and networks (the rarer case).
    // A sign-in is one (account, address, second): the Entra record, its audit-log copy and the
    // duplicates of either are one (a duplicate may carry the country or ASN its kept copy lacks).
    const rows = await store.rows(
      NEW_SIGNIN,
      `
      WITH signins AS (
        SELECT lower(${E.userName}) AS account, ${E.clientIp} AS ip, ${E.ts} // 1000 AS sec, min(${E.ts}) AS ts,
               max(coalesce(${eventField("location.country")}, ${eventField("country")})) AS country,
               max(TRY_CAST(${eventField("asn")} AS BIGINT)) AS asn, list(DISTINCT ${E.id} ORDER BY ${E.id}) AS ids
        FROM ${ALL_COPIES}
        WHERE ${E.kind} = 'auth' AND ${E.result} = 'success' AND coalesce(${E.userName}, '') <> '' AND ${E.clientIp} IS NOT NULL
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
      ORDER BY r.ts, r.account`,
    );
    const findings: Finding[] = [];
    for (const row of rows) {
      const account = row.account;
      const ip = row.ip;
      if (allow.has(ip)) continue;
      const country = row.country ?? undefined;
      const asn = row.asn ?? undefined;
      const what: string[] = [];
      let severity: Severity = "info";
      if (row.newCountry === true) {
        what.push(`country ${country}`);
        severity = strongest(severity, s.severity("country_severity"));
      }
      if (row.newAsn === true) {
        what.push(`network AS${asn}`);
        severity = strongest(severity, s.severity("asn_severity"));
      }
      if (what.length === 0) {
        if (!s.bool("report_address_only")) continue;
        severity = s.severity("address_severity");
      }
      what.push(`address ${ip}`);
      const prior = row.prior;
      const countries = nonEmpty(row.countries);
      const asns = nonEmpty(row.asns);
      const history = [countries.length > 0 ? `countries ${countries.join(", ")}` : "", asns.length > 0 ? `networks ${asns.map((n) => `AS${n}`).join(", ")}` : ""].filter((part) => part).join("; ");
      findings.push(
        finding({
          id: `${ID}:${account}:${ip}`,
          title: `${account}: first sign-in from ${what[0]}`,
          severity,
          explanation:
            `${account} signed in at ${new Date(row.ts).toISOString()} from ${what.join(", ")}, never seen for this account in its ${prior} earlier successful sign-ins in the evidence` +
            `${history ? ` (${history})` : ""}. A new place or provider is how a stolen password or token shows up; benign for travel, a new phone or a new home connection.`,
          eventIds: nonEmpty(row.ids),
          accounts: [account],
          ips: [ip],
          first: row.ts,
          last: row.ts,
        }),
      );
    }
    return findings;
  },
});
