/** @module (to be written) */
import { Hono } from "hono";
import type { AppEnv } from "../context.ts";

export const pageRoutes = new Hono<AppEnv>();
