import "server-only";
import { router } from "./init";
import { apiTokensRouter } from "./routers/api-tokens";
import { auditRouter } from "./routers/audit";
import { authRouter } from "./routers/auth";
import { hsmGroupActionsRouter } from "./routers/hsm-group-actions";
import { hsmGroupsRouter } from "./routers/hsm-groups";
import { hsmPackagesRouter } from "./routers/hsm-packages";
import { tenantsRouter } from "./routers/tenants";
import { usersRouter } from "./routers/users";

export const appRouter = router({
  auth: authRouter,
  users: usersRouter,
  tenants: tenantsRouter,
  audit: auditRouter,
  apiTokens: apiTokensRouter,
  hsmGroups: hsmGroupsRouter,
  hsmGroupActions: hsmGroupActionsRouter,
  hsmPackages: hsmPackagesRouter,
});

export type AppRouter = typeof appRouter;
