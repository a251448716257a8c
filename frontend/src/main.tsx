import { StrictMode, type ComponentType } from "react";
import { createRoot } from "react-dom/client";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

// The client journeys at /landing and the operator workspace are two apps sharing one HTML page: each is
// its own chunk, so a customer on a phone never downloads the back office (decision 0070).
const isLanding = /^\/landing(\/|$)/.test(window.location.pathname);
const load: Promise<ComponentType> = isLanding
  ? import("@/features/landing/landing-app").then((module) => module.LandingApp)
  : import("@/app/operator-app").then((module) => module.loadOperatorApp());

void load.then((App) => {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
});
