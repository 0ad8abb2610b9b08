/**
 * Skip policy for tests that need a real external service (Dovecot, Chromium).
 *
 * On a developer machine without the service, the test is skipped, loudly. In CI
 * (`MAILTRAIL_REQUIRE_REAL_SERVICES=1`) a missing service must fail the run instead:
 * a silently skipped integration test would make CI green without testing anything.
 */
import { it } from "vitest";

export const REQUIRE_ENV = "MAILTRAIL_REQUIRE_REAL_SERVICES";

export function realServicesRequired(): boolean {
  return process.env[REQUIRE_ENV] === "1";
}

export interface ServiceGate {
  /** True when the tests should be skipped (service missing and not required). */
  skip: boolean;
  /** Why the service is unusable, or undefined when it is available. */
  reason: string | undefined;
}

/**
 * Decides what to do about one service. `available` is either a boolean or a reason string
 * (a string means "not available, because ..."). When the service is missing and not required,
 * this warns on stderr and returns `skip: true`; when it is missing and required, it registers
 * a failing test (so the file reports a failure even if the caller's suite is skipped).
 */
export function requireOrSkip(name: string, available: boolean | string): ServiceGate {
  const reason = available === true ? undefined : typeof available === "string" ? available : `${name} is not installed`;
  if (reason === undefined) return { skip: false, reason };
  if (realServicesRequired()) {
    it(`${name} must be available (${REQUIRE_ENV}=1)`, () => {
      throw new Error(`${name} is required by ${REQUIRE_ENV}=1 but unavailable: ${reason}`);
    });
    return { skip: true, reason };
  }
  console.warn(
    `\n*** SKIPPING ${name} integration tests: ${reason}.\n*** Install it (see .ci/run) or set ${REQUIRE_ENV}=1 to make this a failure.\n`,
  );
  return { skip: true, reason };
}
