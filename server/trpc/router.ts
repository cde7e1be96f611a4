import "server-only";
import { router } from "./init";
import { auditRouter } from "./routers/audit";
import { authRouter } from "./routers/auth";
import { certificatesRouter } from "./routers/certificates";
import { tenantsRouter } from "./routers/tenants";
import { usersRouter } from "./routers/users";

export const appRouter = router({
  auth: authRouter,
  users: usersRouter,
  tenants: tenantsRouter,
  audit: auditRouter,
  certificates: certificatesRouter,
});

export type AppRouter = typeof appRouter;
