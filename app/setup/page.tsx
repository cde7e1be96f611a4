import { redirect } from "next/navigation";
import { SetupForm } from "@/components/auth/setup-form";
import { currentUserOrRedirect } from "@/server/auth/current-user";

export const dynamic = "force-dynamic";

export default async function SetupPage() {
  const state = await currentUserOrRedirect();
  if (!("redirect" in state) || state.redirect !== "/setup") redirect("/login");
  return (
    <div className="auth-page">
      <main className="auth-card">
        <h1>Set up HSM Console</h1>
        <p className="hint">
          There is no account yet. Create the first administrator with the one-time setup token.
        </p>
        <SetupForm />
      </main>
    </div>
  );
}
