import Router from '@koa/router';

export interface ReadinessCheck {
  name: string;
  /** Resolves true when the part is ready; slow checks count as not ready. */
  check(): Promise<boolean>;
}

async function within(ms: number, p: Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([p.catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** /healthz: the process answers. /readyz: every part it depends on answers within 2 s. */
export function healthRoutes(checks: ReadinessCheck[], isStopping: () => boolean): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const results = await Promise.all(checks.map(async (c) => [c.name, await within(2_000, c.check())] as const));
    const ready = !isStopping() && results.every(([, ok]) => ok);
    ctx.set('Cache-Control', 'no-store');
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : isStopping() ? 'stopping' : 'not_ready', checks: Object.fromEntries(results) };
  });
  return router;
}
