/** GET /openapi.json: the OpenAPI 3.1 document of this API, generated from the protocol's schemas once. */
import { Hono } from 'hono';
import { buildOpenApiDocument } from './openapi.ts';

export function openapiRoute() {
  const app = new Hono();
  let body: string | undefined;
  app.get('/openapi.json', (c) => {
    body ??= JSON.stringify(buildOpenApiDocument());
    c.header('Cache-Control', 'public, max-age=300');
    // Public, keyless and harmless: API tools on other origins (Swagger UI, say) may read it.
    c.header('Access-Control-Allow-Origin', '*');
    return c.body(body, 200, { 'Content-Type': 'application/json; charset=utf-8' });
  });
  return app;
}
