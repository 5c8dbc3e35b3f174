/** No Docker engine runs here: read the deploy files and check what a deploy relies on. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = path.resolve(import.meta.dirname, '..');
const read = (f: string) => readFileSync(path.join(root, f), 'utf8');
const compose = parse(read('docker-compose.yml'));
const dynamic = parse(read('traefik/dynamic.yml'));
const traefikArgs: string[] = compose.services.traefik.command;
const arg = (name: string) => traefikArgs.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=');

describe('docker-compose.yml', () => {
  it('has traefik, app, postgres and redis', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'postgres', 'redis', 'traefik']);
  });

  it('runs Traefik v3 with a Let\'s Encrypt resolver, HTTP→HTTPS redirect and no dashboard', () => {
    expect(compose.services.traefik.image).toMatch(/^traefik:v3/);
    expect(arg('api.dashboard')).toBe('false');
    expect(arg('api.insecure')).toBeUndefined();
    expect(arg('certificatesresolvers.letsencrypt.acme.tlschallenge') ?? arg('certificatesresolvers.letsencrypt.acme.httpchallenge')).toBe('true');
    expect(arg('certificatesresolvers.letsencrypt.acme.storage')).toMatch(/^\/letsencrypt\//);
    expect(arg('entrypoints.web.http.redirections.entrypoint.to')).toBe('websecure');
    expect(arg('entrypoints.web.http.redirections.entrypoint.scheme')).toBe('https');
    expect(arg('providers.docker.exposedbydefault')).toBe('false');
    expect(compose.services.traefik.volumes).toContain('/var/run/docker.sock:/var/run/docker.sock:ro');
    expect(compose.services.traefik.ports).toEqual(['80:80', '443:443']);
  });

  it('routes HTTPS to the app, which has a liveness healthcheck and is built from the Dockerfile', () => {
    const app = compose.services.app;
    expect(app.build).toBe('.');
    // Traefik's Docker provider drops unhealthy containers: a database outage must not take the
    // status pages (served from memory) off the air, so health is /healthz, not /readyz.
    expect(app.healthcheck.test.join(' ')).toContain('/healthz');
    expect(app.healthcheck.test.join(' ')).not.toContain('/readyz');
    const labels: string[] = app.labels;
    expect(labels).toContain('traefik.enable=true');
    expect(labels).toContain('traefik.http.routers.pingpage.entrypoints=websecure');
    expect(labels).toContain('traefik.http.routers.pingpage.tls.certresolver=letsencrypt');
    expect(labels).toContain('traefik.http.services.pingpage.loadbalancer.server.port=3000');
    expect(app.environment.PUBLIC_URL).toMatch(/^https:\/\//);
    expect(app.environment.TRUST_PROXY).toBe('1'); // Traefik is one hop
    expect(app.ports).toBeUndefined(); // only through Traefik
    expect(app.depends_on.postgres.condition).toBe('service_healthy');
  });

  it('keeps PostgreSQL on a volume, healthchecked, with no published port', () => {
    const pg = compose.services.postgres;
    expect(Number(pg.image.match(/postgres:(\d+)/)?.[1])).toBeGreaterThanOrEqual(16);
    expect(pg.volumes).toContain('pgdata:/var/lib/postgresql/data');
    expect(Object.keys(compose.volumes)).toContain('pgdata');
    expect(pg.healthcheck.test.join(' ')).toContain('pg_isready');
    expect(pg.ports).toBeUndefined();
    expect(compose.services.redis.ports).toBeUndefined();
  });

  it('names the TLS options and headers middleware that traefik/dynamic.yml defines', () => {
    expect(arg('entrypoints.websecure.http.tls.options')).toBe('modern@file');
    expect(dynamic.tls.options.modern.minVersion).toBe('VersionTLS12');
    expect(compose.services.app.labels).toContain('traefik.http.routers.pingpage.middlewares=secure-headers@file');
    expect(dynamic.http.middlewares['secure-headers'].headers.stsSeconds).toBeGreaterThan(0);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  it('is multi-stage, runs as a non-root user and checks liveness', () => {
    expect(dockerfile.match(/^FROM /gm)!.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/HEALTHCHECK[^\n]*\n[^\n]*\/healthz/);
    expect(dockerfile).toContain('npm ci --omit=dev');
  });

  it('every variable compose passes to the app is one the config schema knows', async () => {
    const { configSchema } = await import('./config.js');
    for (const name of Object.keys(compose.services.app.environment)) {
      expect(Object.keys(configSchema.shape), name).toContain(name);
    }
  });
});
