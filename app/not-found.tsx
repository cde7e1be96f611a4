import { NotFoundMessage } from "@/components/ui/not-found-message";

/** An address that matches no page at all. */
export default function NotFound() {
  return (
    <main id="main" className="auth-page">
      <NotFoundMessage />
    </main>
  );
}
