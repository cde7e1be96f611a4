import "server-only";
import { router } from "./init";
import { auditRouter } from "./routers/audit";
import { authRouter } from "./routers/auth";
import { hsmGroupsRouter } from "./routers/hsm-groups";
import { tenantsRouter } from "./routers/tenants";
import { usersRouter } from "./routers/users";

export const appRouter = router({
  auth: authRouter,
  users: usersRouter,
  tenants: tenantsRouter,
  audit: auditRouter,
  hsmGroups: hsmGroupsRouter,
});

export type AppRouter = typeof appRouter;
