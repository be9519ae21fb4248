/**
 * The rules a new password must meet (keystone/identity/core.py validate_password, Keystone's
 * [security_compliance] password_regex and password_regex_description), plus a minimum length.
 * They apply where a password is set: user create, user update, change-password.
 */
import { ksBadRequest } from "./errors";

export interface PasswordRules {
  /** Matched from the password's start, as Python's re.match. */
  regex?: string;
  description?: string;
  minLength: number;
}

/** Keystone's PasswordRequirementsValidationError (400) when `password` breaks a rule. */
export function checkPasswordRules(rules: PasswordRules | undefined, password: string): void {
  if (!rules) return;
  const refuse = (detail: string) => ksBadRequest(`The password does not match the requirements: ${detail}.`);
  if (rules.minLength > 0 && [...password].length < rules.minLength) throw refuse(`at least ${rules.minLength} characters`);
  if (rules.regex !== undefined && !new RegExp(`^(?:${rules.regex})`, "u").test(password)) {
    throw refuse(rules.description ?? `it must match ${rules.regex}`);
  }
}
