/** @module The web pages served by the Worker (to be written). */
import { Hono } from "hono";
import type { AppEnv } from "../context.ts";

export const webRoutes = new Hono<AppEnv>();

webRoutes.get("/", (c) => c.html("<!doctype html><title>Cairn</title><h1>Cairn</h1>"));
