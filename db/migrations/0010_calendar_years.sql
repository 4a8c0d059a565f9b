-- Official calendar years published by administrators (issue 17), append-only.

CREATE TABLE "calendar_years" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"year" integer NOT NULL,
	"version" integer NOT NULL,
	"holidays" jsonb NOT NULL,
	"workdays" jsonb NOT NULL,
	"source_title" text NOT NULL,
	"source_date" date NOT NULL,
	"published_by" text NOT NULL,
	"published_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "calendar_years_version_idx" ON "calendar_years" USING btree ("year","version");--> statement-breakpoint
-- Every published version of a year is kept: a correction is a new version, never an edit.
-- refuse_change() comes from 0003_ledger_append_only.
CREATE TRIGGER calendar_years_append_only BEFORE UPDATE OR DELETE ON calendar_years
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
