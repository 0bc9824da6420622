/** @module Request-scoped values carried in Hono `Variables`. */
import type { ApiRole } from "../shared/api.ts";

export interface Principal {
  /** null for the deployment admin token, which is not bound to a team. */
  teamId: string | null;
  teamName: string | null;
  role: ApiRole | "superadmin";
  keyId: string | null;
}

export interface Scope {
  teamId: string;
  teamName: string;
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    principal: Principal;
    /** The team named in the path, after authorisation. */
    team: Scope;
  };
}
