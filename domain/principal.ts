// Who is asking: the identity a verified token carries into every resolver.
import type { Role } from "./roles.js";

export interface Principal {
  /** Token subject (user or service id). */
  subject: string;
  roles: readonly Role[];
  /** Department code the principal acts for, e.g. "public_security". */
  department: string | null;
  /** Area codes the principal may act in (from the token); each covers its whole subtree. */
  jurisdiction: readonly string[];
  /** The same areas as materialised paths, resolved by the gateway; unknown codes are dropped. */
  jurisdictionPaths: readonly string[];
  /** Declared purpose of processing (PIPL art. 28: specific purpose and need): a configured code. */
  purpose: string | null;
  /** The case or event the purpose is for (some purposes apply only with one). */
  purposeRef: string | null;
  authenticated: boolean;
}

/** No token: reaches only what is documented as anonymous (introspection, health). */
export const ANONYMOUS: Principal = Object.freeze({
  subject: "anonymous",
  roles: [],
  department: null,
  jurisdiction: [],
  jurisdictionPaths: [],
  purpose: null,
  purposeRef: null,
  authenticated: false,
});

export function hasRole(principal: Principal, role: Role): boolean {
  return principal.roles.includes(role);
}
