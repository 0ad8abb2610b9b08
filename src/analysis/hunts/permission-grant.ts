/** Mailbox and folder permission grants (Add-MailboxPermission, folder permissions, SendAs; ATT&CK T1098.002). */
import type { MailboxConfigEvent } from "../../model/events.js";
import type { Finding, Hunt, Severity } from "../findings.js";
import { addressList, finding, LIVE_EVENTS, lowerSet, Settings, text } from "./common.js";

const ID = "permission-grant";

/** A rights list as written (`FullAccess`, `ReadItems, CreateItems`, `{Reviewer}`), as words. */
function rightsOf(rights: string | undefined): string[] {
  return (rights ?? "").split(/[\s,;{}]+/).filter((word) => word.length > 0);
}

/** Exchange's own service account provisioning group and system mailboxes. */
function isSystemActor(actor: string, system: Set<string>): boolean {
  if (system.has(actor)) return true;
  for (const entry of system) if (actor.startsWith(`${entry} `)) return true;
  return false;
}

interface Group {
  box: string;
  grantee: string;
  rights: Set<string>;
  ids: string[];
  actors: Set<string>;
  ips: Set<string>;
  actions: Set<string>;
  first: number;
  last: number;
  severity: Severity;
}

export const permissionGrant: Hunt = {
  id: ID,
  title: "Mailbox or folder permission granted",
  technique: "T1098.002",
  techniqueName: "Additional Email Delegate Permissions",
  async run({ store, config }) {
    const s = Settings.of(config, ID);
    if (!s.enabled) return [];
    const admins = lowerSet(s.list("admins"));
    const adminIps = addressList(s, "admin_ips");
    const system = lowerSet(s.list("system_actors"));
    const high = lowerSet(s.list("high_rights"));
    const broad = lowerSet(s.list("broad_grantees"));
    const groups = new Map<string, Group>();
    for await (const rows of store.stream(`
      SELECT id, ts, client_ip, user_name, mailbox, action, data FROM ${LIVE_EVENTS}
      WHERE kind = 'mailbox.config' AND (data->>'change') = 'permission' ORDER BY ts, id`)) {
      for (const row of rows) {
        const action = text(row, "action") ?? "";
        if (/^Remove/i.test(action)) continue;
        const event = JSON.parse(String(row["data"])) as MailboxConfigEvent;
        const rights = rightsOf(event.rights);
        if (rights.length > 0 && rights.every((right) => right.toLowerCase() === "none")) continue;
        const actor = (text(row, "user_name") ?? "").toLowerCase();
        const ip = text(row, "client_ip");
        if (isSystemActor(actor, system)) continue;
        if (admins.has(actor) && (adminIps.empty || adminIps.has(ip))) continue;
        const box = (text(row, "mailbox") ?? event.target ?? "").toLowerCase();
        const grantee = (event.grantee ?? "").toLowerCase();
        const isHigh = rights.some((right) => high.has(right.toLowerCase())) || broad.has(grantee);
        const key = `${box}\u0000${grantee}`;
        let group = groups.get(key);
        if (!group) {
          group = { box, grantee, rights: new Set(), ids: [], actors: new Set(), ips: new Set(), actions: new Set(), first: Number(row["ts"]), last: Number(row["ts"]), severity: s.severity("severity") };
          groups.set(key, group);
        }
        for (const right of rights) group.rights.add(right);
        group.ids.push(String(row["id"]));
        if (actor) group.actors.add(actor);
        if (ip) group.ips.add(ip);
        group.actions.add(action + (event.target && event.target.toLowerCase() !== box ? ` on ${event.target}` : ""));
        group.last = Number(row["ts"]);
        if (isHigh) group.severity = s.severity("high_severity");
      }
    }
    const findings: Finding[] = [];
    for (const group of groups.values()) {
      const rights = [...group.rights].join(", ") || "unstated rights";
      const actors = [...group.actors];
      findings.push(
        finding({
          id: `${ID}:${group.box}:${group.grantee}`,
          rule: ID,
          title: `${group.grantee || "someone"} granted ${rights} on ${group.box}`,
          severity: group.severity,
          technique: this.technique,
          techniqueName: this.techniqueName,
          explanation:
            `${[...group.actions].join("; ")} by ${actors.join(", ") || "an unknown account"} from ${[...group.ips].join(", ") || "an unknown address"} ` +
            `at ${new Date(group.first).toISOString()} gave ${group.grantee || "an unnamed grantee"} ${rights} on ${group.box}. ` +
            `A delegate permission lets another account read or send as this mailbox without its password: attackers add one to keep access. ` +
            `Benign when a known administrator made the grant from the office: list them in permission-grant.admins and admin_ips.`,
          eventIds: group.ids,
          accounts: [group.box, group.grantee, ...actors],
          ips: [...group.ips],
          first: group.first,
          last: group.last,
        }),
      );
    }
    return findings;
  },
};
