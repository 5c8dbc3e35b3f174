import { Migration } from '@mikro-orm/migrations';

/**
 * Public status pages with their components, incidents with their timeline, and scheduled
 * maintenance windows. Statuses use Atlassian Statuspage's vocabularies (API.md). Links to
 * monitors are join tables with foreign keys: deleting a monitor drops it from every component
 * and window without leaving dangling ids.
 */
export class Migration20261129000003StatusPages extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      CREATE TABLE status_pages (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
        slug text NOT NULL UNIQUE,              -- lowercase a-z0-9-, the public path /status/<slug>
        title text NOT NULL,
        description text,
        logo_url text,                          -- https URL, a path on this server, or a small data: image
        brand_color text,                       -- #rrggbb
        custom_domain text,                     -- lowercase host name without port, served at /
        password_hash text,                     -- bcrypt; null = public page
        show_uptime boolean NOT NULL DEFAULT true,
        show_latency boolean NOT NULL DEFAULT false,
        auto_incidents boolean NOT NULL DEFAULT false, -- open/resolve incidents when a monitor goes down/up
        footer_links jsonb NOT NULL DEFAULT '[]',      -- [{label, url}]
        custom_css text,                        -- as given; sanitized when served
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX status_pages_custom_domain_key ON status_pages (lower(custom_domain)) WHERE custom_domain IS NOT NULL;
      CREATE INDEX status_pages_org_idx ON status_pages (org_id);

      CREATE TABLE status_components (
        id uuid PRIMARY KEY,
        page_id uuid NOT NULL REFERENCES status_pages (id) ON DELETE CASCADE,
        name text NOT NULL,
        description text,
        group_name text,                        -- components with the same group are shown together
        position integer NOT NULL,              -- 0-based order on the page
        show_uptime boolean NOT NULL DEFAULT true,
        show_latency boolean NOT NULL DEFAULT false,
        -- Status of a component without monitors (or set by hand); monitors decide otherwise.
        manual_status text NOT NULL DEFAULT 'operational'
          CHECK (manual_status IN ('operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'))
      );
      CREATE INDEX status_components_page_idx ON status_components (page_id, position);

      CREATE TABLE status_component_monitors (
        component_id uuid NOT NULL REFERENCES status_components (id) ON DELETE CASCADE,
        monitor_id uuid NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
        PRIMARY KEY (component_id, monitor_id)
      );
      CREATE INDEX status_component_monitors_monitor_idx ON status_component_monitors (monitor_id);

      CREATE TABLE incidents (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
        title text NOT NULL,
        impact text NOT NULL CHECK (impact IN ('none', 'minor', 'major', 'critical')),
        status text NOT NULL CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
        auto_created boolean NOT NULL DEFAULT false, -- opened by a monitor going down
        monitor_id uuid REFERENCES monitors (id) ON DELETE SET NULL, -- that monitor, for auto incidents
        started_at timestamptz NOT NULL,
        resolved_at timestamptz,                -- set while status = resolved
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX incidents_org_idx ON incidents (org_id, started_at DESC);
      -- At most one open auto incident per monitor, even when two nodes see the same outage.
      CREATE UNIQUE INDEX incidents_open_auto_key ON incidents (monitor_id) WHERE auto_created AND resolved_at IS NULL;

      CREATE TABLE incident_updates (
        id uuid PRIMARY KEY,
        incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
        status text NOT NULL CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
        message text NOT NULL,                  -- Markdown (a safe subset is rendered)
        at timestamptz NOT NULL,
        created_by uuid REFERENCES users (id) ON DELETE SET NULL
      );
      CREATE INDEX incident_updates_incident_idx ON incident_updates (incident_id, at);

      CREATE TABLE incident_pages (
        incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
        page_id uuid NOT NULL REFERENCES status_pages (id) ON DELETE CASCADE,
        PRIMARY KEY (incident_id, page_id)
      );
      CREATE INDEX incident_pages_page_idx ON incident_pages (page_id);

      CREATE TABLE incident_components (
        incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
        component_id uuid NOT NULL REFERENCES status_components (id) ON DELETE CASCADE,
        status text NOT NULL
          CHECK (status IN ('operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance')),
        PRIMARY KEY (incident_id, component_id)
      );

      CREATE TABLE maintenances (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
        title text NOT NULL,
        description text NOT NULL DEFAULT '',   -- Markdown
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (ends_at > starts_at)
      );
      CREATE INDEX maintenances_org_idx ON maintenances (org_id, starts_at DESC);
      CREATE INDEX maintenances_ends_idx ON maintenances (ends_at);

      CREATE TABLE maintenance_monitors (
        maintenance_id uuid NOT NULL REFERENCES maintenances (id) ON DELETE CASCADE,
        monitor_id uuid NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
        PRIMARY KEY (maintenance_id, monitor_id)
      );
      CREATE TABLE maintenance_components (
        maintenance_id uuid NOT NULL REFERENCES maintenances (id) ON DELETE CASCADE,
        component_id uuid NOT NULL REFERENCES status_components (id) ON DELETE CASCADE,
        PRIMARY KEY (maintenance_id, component_id)
      );
      CREATE TABLE maintenance_pages (
        maintenance_id uuid NOT NULL REFERENCES maintenances (id) ON DELETE CASCADE,
        page_id uuid NOT NULL REFERENCES status_pages (id) ON DELETE CASCADE,
        PRIMARY KEY (maintenance_id, page_id)
      );
      CREATE INDEX maintenance_pages_page_idx ON maintenance_pages (page_id);
    `);
  }
}
