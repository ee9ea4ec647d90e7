// /docs: Swagger UI from the server's own copy (the swagger-ui-bundle-v2 package), under the
// page's CSP. No validator badge: it would send the schema's address to another host.
"use strict";

window.ui = window.SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  presets: [window.SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
