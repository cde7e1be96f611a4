import { NotFoundMessage } from "@/components/ui/not-found-message";

/** A missing HSM group, certificate… inside the console: the shell stays, the page says so. */
export default function ConsoleNotFound() {
  return <NotFoundMessage />;
}
