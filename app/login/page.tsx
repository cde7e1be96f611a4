import { redirect } from "next/navigation";
import { LoginForm } from "@/components/auth/login-form";
import { currentUserOrRedirect } from "@/server/auth/current-user";

export const dynamic = "force-dynamic";

export default async function LoginPage() {
  const state = await currentUserOrRedirect();
  if ("user" in state) redirect("/");
  if (state.redirect === "/setup") redirect("/setup");
  return (
    <div className="auth-page">
      <main className="auth-card">
        <h1>Sign in to HSM Console</h1>
        <LoginForm />
      </main>
    </div>
  );
}
