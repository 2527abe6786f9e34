/**
 * The console's entry: the personal portal (/portal, for people with a link from an e-mail)
 * and the signed-in console (everything else) load as separate chunks, so a phone opening
 * the portal never downloads the admin screens.
 */
import { lazy, StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { useLocation } from "./router.tsx";
import "./styles.css";

const Portal = lazy(() => import("./portal/Portal.tsx"));
const Console = lazy(() => import("./console/Console.tsx"));

function Root() {
  const { path } = useLocation();
  const portal = path === "/portal" || path.startsWith("/portal/");
  return (
    <Suspense
      fallback={
        <p className="boot" role="status">
          Loading Ferry…
        </p>
      }
    >
      {portal ? <Portal /> : <Console />}
    </Suspense>
  );
}

const root = document.getElementById("root");
if (root)
  createRoot(root).render(
    <StrictMode>
      <Root />
    </StrictMode>,
  );
