import type { Role } from "@/lib/roles";

/** Who is acting, resolved from the session by the procedure builder; services trust it. */
export interface Actor {
  userId: string;
  username: string;
  role: Role;
  tenantId: string;
  tenantName: string;
  address: string | null;
}
