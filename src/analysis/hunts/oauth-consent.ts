/** OAuth consent and delegated or application permission grants to apps (ATT&CK T1528, T1098.003). */
import type { MailboxConfigEvent } from "../../model/events.js";
import type { Finding, Hunt, Severity } from "../findings.js";
import { finding, LIVE_EVENTS, lowerSet, Settings, strongest, text } from "./common.js";

const ID = "oauth-consent";

interface Group {
  app: string;
  actor: string;
  scopes: Set<string>;
  risky: Set<string>;
  ids: string[];
  ips: Set<string>;
  actions: Set<string>;
  consent: boolean;
  first: number;
  last: number;
}

export const oauthConsent: Hunt = {
  id: ID,
  title: "OAuth consent or app permission grant",
  technique: "T1528",
  techniqueName: "Steal Application Access Token",
  async run({ store, config }) {
    const s = Settings.of(config, ID);
    if (!s.enabled) return [];
    const allow = lowerSet(s.list("allow_apps"));
    const riskyScopes = lowerSet(s.list("high_risk_scopes"));
    const groups = new Map<string, Group>();
    for await (const rows of store.stream(`
      SELECT id, ts, client_ip, user_name, action, data FROM ${LIVE_EVENTS}
      WHERE kind = 'mailbox.config' AND (data->>'change') = 'app-consent' ORDER BY ts, id`)) {
      for (const row of rows) {
        const event = JSON.parse(String(row["data"])) as MailboxConfigEvent;
        const app = event.target ?? event.grantee ?? "";
        const names = [app, event.grantee, event.extra?.["appId"], event.extra?.["clientAppId"]].filter((name): name is string => typeof name === "string");
        if (names.some((name) => allow.has(name.toLowerCase()))) continue;
        const actor = (text(row, "user_name") ?? "").toLowerCase();
        const key = `${app.toLowerCase()}\u0000${actor}`;
        let group = groups.get(key);
        if (!group) {
          group = { app, actor, scopes: new Set(), risky: new Set(), ids: [], ips: new Set(), actions: new Set(), consent: false, first: Number(row["ts"]), last: Number(row["ts"]) };
          groups.set(key, group);
        }
        // `Scope: Mail.Read offline_access, ...` or a plain list: every word that names a scope.
        for (const word of (event.rights ?? "").split(/[\s,;]+/)) {
          const scope = word.replace(/^[^\w.]+|[^\w.]+$/g, "");
          if (!scope || scope.endsWith(":")) continue;
          if (riskyScopes.has(scope.toLowerCase())) group.risky.add(scope);
        }
        group.ids.push(String(row["id"]));
        const ip = text(row, "client_ip");
        if (ip) group.ips.add(ip);
        const action = text(row, "action") ?? "";
        group.actions.add(action);
        if (/^consent to application/i.test(action)) group.consent = true;
        group.last = Number(row["ts"]);
      }
    }
    const findings: Finding[] = [];
    for (const group of groups.values()) {
      let severity: Severity = s.severity("severity");
      if (group.risky.size > 0) severity = strongest(severity, s.severity("high_severity"));
      const risky = [...group.risky].sort();
      findings.push(
        finding({
          id: `${ID}:${group.app}:${group.actor}`,
          rule: ID,
          title: `${group.consent ? "Consent to" : "Permissions granted to"} application ${group.app || "(unnamed)"}${group.actor ? ` by ${group.actor}` : ""}`,
          severity,
          technique: group.consent ? this.technique : "T1098.003",
          techniqueName: group.consent ? this.techniqueName : "Additional Cloud Roles",
          explanation:
            `${[...group.actions].join(", ")} for application ${group.app || "(unnamed)"} by ${group.actor || "an unknown account"} from ${[...group.ips].join(", ") || "an unknown address"} ` +
            `at ${new Date(group.first).toISOString()}${risky.length > 0 ? `, including ${risky.join(", ")}` : ""}. ` +
            `A consented application holds its own tokens: it keeps reading mail after the password is changed, until the grant is removed. ` +
            `Benign for an application the organisation approved: list it in oauth-consent.allow_apps.`,
          eventIds: group.ids,
          accounts: [group.actor],
          ips: [...group.ips],
          first: group.first,
          last: group.last,
        }),
      );
    }
    return findings;
  },
};
