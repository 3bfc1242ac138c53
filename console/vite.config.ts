// The console's build: two HTML entries, the web console (index.html, which the API serves at /
// and at every client route) and GraphiQL (graphiql.html, served at /graphql in development).
// Built files live under /console/ (platform/coe/graphql/ide.py and platform/coe/console.py).
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  base: "/console/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Fonts and images as files, not data: URLs, so the page's CSP can stay at 'self'.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 8000, // Monaco, the editor inside GraphiQL, is a few MB by itself
    rolldownOptions: {
      input: { app: "index.html", graphiql: "graphiql.html" }, // relative to the root: console/
      onwarn(warning, warn) {
        // "use no memo" of GraphiQL's React-compiled modules: meaningless once bundled
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
    },
  },
  worker: { format: "es" },
});
