/** OAuth consent and delegated or application permission grants to apps (ATT&CK T1528, T1098.003). */
import { eventField } from "../../store/sql.js";
import type { Finding, Severity } from "../findings.js";
import { lowerSet, strongest } from "./common.js";
import { defineHunt } from "./define.js";

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

export const oauthConsent = defineHunt({
  id: ID,
  title: "OAuth consent or app permission grant",
  technique: "T1528",
  techniqueName: "Steal Application Access Token",
  async run({ s, events, finding, technique, techniqueName }) {
    const allow = lowerSet(s.list("allow_apps"));
    const riskyScopes = lowerSet(s.list("high_risk_scopes"));
    const groups = new Map<string, Group>();
    for await (const event of events("mailbox.config", `${eventField("change", "e")} = 'app-consent'`)) {
      const app = event.target ?? event.grantee ?? "";
      const names = [app, event.grantee, event.extra?.["appId"], event.extra?.["clientAppId"]].filter((name): name is string => typeof name === "string");
      if (names.some((name) => allow.has(name.toLowerCase()))) continue;
      const actor = (event.user ?? "").toLowerCase();
      const key = `${app.toLowerCase()}\u0000${actor}`;
      let group = groups.get(key);
      if (!group) {
        group = { app, actor, scopes: new Set(), risky: new Set(), ids: [], ips: new Set(), actions: new Set(), consent: false, first: event.ts, last: event.ts };
        groups.set(key, group);
      }
      // `Scope: Mail.Read offline_access, ...` or a plain list: every word that names a scope.
      for (const word of (event.rights ?? "").split(/[\s,;]+/)) {
        const scope = word.replace(/^[^\w.]+|[^\w.]+$/g, "");
        if (!scope || scope.endsWith(":")) continue;
        if (riskyScopes.has(scope.toLowerCase())) group.risky.add(scope);
      }
      group.ids.push(event.id);
      const ip = event.clientIp;
      if (ip) group.ips.add(ip);
      const action = event.action;
      group.actions.add(action);
      if (/^consent to application/i.test(action)) group.consent = true;
      group.last = event.ts;
    }
    const findings: Finding[] = [];
    for (const group of groups.values()) {
      let severity: Severity = s.severity("severity");
      if (group.risky.size > 0) severity = strongest(severity, s.severity("high_severity"));
      const risky = [...group.risky].sort();
      findings.push(
        finding({
          id: `${ID}:${group.app}:${group.actor}`,
          title: `${group.consent ? "Consent to" : "Permissions granted to"} application ${group.app || "(unnamed)"}${group.actor ? ` by ${group.actor}` : ""}`,
          severity,
          technique: group.consent ? technique : "T1098.003",
          techniqueName: group.consent ? techniqueName : "Additional Cloud Roles",
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
});
