/** @module The OpenAPI document at /api/v1/openapi.json, built from the routes' own zod schemas. */
import { z } from "zod";

interface RouteDoc {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** OpenAPI style, e.g. /teams/{team}/projects */
  path: string;
  summary: string;
  body?: z.ZodType;
  query?: z.ZodType;
  role?: "reader" | "writer" | "admin" | "superadmin";
}

const routes: RouteDoc[] = [];

/** Registers a route in the document; call it next to the handler so the two stay together. */
export function documentRoute(route: RouteDoc): void {
  routes.push(route);
}

export function openApiDocument(): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const parameters = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    if (route.query) {
      const schema = z.toJSONSchema(route.query, { io: "input", unrepresentable: "any" }) as {
        properties?: Record<string, unknown>;
      };
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        parameters.push({ name, in: "query", required: false, schema: property as { type: string } });
      }
    }
    const operation: Record<string, unknown> = {
      summary: route.summary,
      parameters,
      security: [{ bearer: [] }],
      ...(route.role ? { "x-cairn-role": route.role } : {}),
      responses: {
        default: { description: "JSON; errors as { error: { code, message, requestId, details? } }" },
      },
    };
    if (route.body) {
      operation.requestBody = {
        required: true,
        content: {
          "application/json": { schema: z.toJSONSchema(route.body, { io: "input", unrepresentable: "any" }) },
        },
      };
    }
    const entry = paths[`/api/v1${route.path}`] ?? {};
    entry[route.method] = operation;
    paths[`/api/v1${route.path}`] = entry;
  }
  return {
    openapi: "3.1.0",
    info: { title: "Cairn API", version: "1" },
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    paths,
  };
}
