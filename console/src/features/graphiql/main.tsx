// The GraphiQL page served at /graphql in development: every script, style, font and worker
// comes from this build (no CDN), so it renders offline and inside a plant network.
import "graphiql/setup-workers/vite";
import "graphiql/style.css";
import "./graphiql-page.css";

import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { GraphiqlPage } from "./GraphiqlPage";

const root = document.getElementById("graphiql-page");
if (!root) throw new Error("graphiql.html has no #graphiql-page element");
createRoot(root).render(
  <StrictMode>
    <GraphiqlPage />
  </StrictMode>,
);
