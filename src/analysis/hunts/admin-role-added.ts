/**
 * An administrator role given to an account (ATT&CK T1098.003): Entra's `Add member to role` (and
 * its PIM form), Exchange's Add-RoleGroupMember and New-ManagementRoleAssignment, for the roles of
 * rules/hunts.yaml that reach every mailbox (Global and Exchange administrators, Organization
 * Management, ApplicationImpersonation, eDiscovery). Other roles are not findings.
 */
import type { MailEvent } from "../../model/events.js";
import type { Finding } from "../findings.js";
import { byWhom, ofOneEvent, extraText, modifiedValue, operationEvents, operationKey, parameter, parametersOf } from "./admin-changes.js";
import { iso, lowerSet } from "./common.js";
import { defineHunt } from "./define.js";

const ID = "admin-role-added";

/** The role and the member, wherever the operation records them. */
function grantOf(event: MailEvent): { role?: string; member?: string } {
  const parameters = parametersOf(event);
  switch (operationKey(event.action)) {
    case "add-rolegroupmember":
      return { role: parameter(parameters, "Identity"), member: parameter(parameters, "Member") };
    case "new-managementroleassignment":
      return { role: parameter(parameters, "Role"), member: parameter(parameters, "User") ?? parameter(parameters, "SecurityGroup") };
    default:
      return { role: modifiedValue(event, "Role.DisplayName") ?? modifiedValue(event, "Role.WellKnownObjectName"), member: extraText(event, "target") };
  }
}

export const adminRoleAdded = defineHunt({
  id: ID,
  title: "Administrator role given to an account",
  technique: "T1098.003",
  techniqueName: "Additional Cloud Roles",
  async run(tools) {
    const { s, finding } = tools;
    const roles = lowerSet(s.list("admin_roles"));
    const findings: Finding[] = [];
    for (const event of await operationEvents(tools, s.list("operations"))) {
      if (event.result === "failure") continue;
      const { role, member } = grantOf(event);
      if (role === undefined || !roles.has(role.trim().toLowerCase())) continue;
      const who = (member ?? "").toLowerCase();
      findings.push(
        finding({
          id: `${ID}:${who || "?"}:${role}:${iso(event.ts)}`,
          title: `${who || "An account"} made ${role}`,
          severity: s.severity("severity"),
          explanation:
            `${byWhom(event)}: ${event.action.replace(/\.$/, "")} gave ${who || "an account the record does not name"} the role ${role}. ` +
            `This role reaches every mailbox (read, search, export, change their settings): a new holder is either a planned change or an intruder making itself a lasting way in. ` +
            `Check the change ticket; an account made administrator by another account that was itself just compromised is the intruder's.`,
          accounts: [who, (event.user ?? "").toLowerCase()],
          ...ofOneEvent(event),
        }),
      );
    }
    return findings;
  },
});
