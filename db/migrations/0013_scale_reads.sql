CREATE TABLE "contract_parties" (
	"contract_id" text NOT NULL,
	"organization_id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"arrears_from" timestamp with time zone,
	CONSTRAINT "contract_parties_contract_id_organization_id_pk" PRIMARY KEY("contract_id","organization_id")
);
--> statement-breakpoint
CREATE TABLE "escalation_parties" (
	"escalation_id" text NOT NULL,
	"organization_id" text NOT NULL,
	"contract_id" text NOT NULL,
	"severity" text NOT NULL,
	"state" text NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	CONSTRAINT "escalation_parties_escalation_id_organization_id_pk" PRIMARY KEY("escalation_id","organization_id")
);
--> statement-breakpoint
ALTER TABLE "contracts" ADD COLUMN "arrears_from" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "contract_parties" ADD CONSTRAINT "contract_parties_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_parties" ADD CONSTRAINT "escalation_parties_escalation_id_escalations_id_fk" FOREIGN KEY ("escalation_id") REFERENCES "public"."escalations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "contract_parties_org_idx" ON "contract_parties" USING btree ("organization_id","created_at","contract_id");--> statement-breakpoint
CREATE INDEX "contract_parties_org_status_idx" ON "contract_parties" USING btree ("organization_id","status","created_at","contract_id");--> statement-breakpoint
CREATE INDEX "escalation_parties_org_idx" ON "escalation_parties" USING btree ("organization_id","severity","opened_at","escalation_id");--> statement-breakpoint
CREATE INDEX "escalation_parties_org_state_idx" ON "escalation_parties" USING btree ("organization_id","state","severity","opened_at","escalation_id");--> statement-breakpoint
CREATE INDEX "escalation_parties_contract_idx" ON "escalation_parties" USING btree ("contract_id");--> statement-breakpoint
CREATE INDEX "contracts_created_idx" ON "contracts" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "contracts_status_created_idx" ON "contracts" USING btree ("status","created_at","id");--> statement-breakpoint
CREATE INDEX "escalations_severity_idx" ON "escalations" USING btree ("severity","opened_at","id");--> statement-breakpoint
CREATE INDEX "escalations_state_severity_idx" ON "escalations" USING btree ("state","severity","opened_at","id");--> statement-breakpoint
CREATE INDEX "organizations_created_idx" ON "organizations" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "users_created_idx" ON "users" USING btree ("created_at","id");--> statement-breakpoint
-- Issue 19: lists whose cost does not grow with the province. contract_parties and
-- escalation_parties are copies of who may see what, ordered as the lists are; these triggers keep
-- them in step with contracts and escalations (data plumbing only: no business rule lives here).
CREATE OR REPLACE FUNCTION contract_parties_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM contract_parties WHERE contract_id = NEW.id AND NOT (organization_id = ANY (NEW.party_organization_ids));
  INSERT INTO contract_parties (contract_id, organization_id, created_at, status, arrears_from)
    SELECT DISTINCT NEW.id, o, NEW.created_at, NEW.status, NEW.arrears_from FROM unnest(NEW.party_organization_ids) AS o
  ON CONFLICT (contract_id, organization_id) DO UPDATE
    SET created_at = excluded.created_at, status = excluded.status, arrears_from = excluded.arrears_from;
  IF TG_OP = 'INSERT' OR OLD.party_organization_ids IS DISTINCT FROM NEW.party_organization_ids THEN
    DELETE FROM escalation_parties WHERE contract_id = NEW.id AND NOT (organization_id = ANY (NEW.party_organization_ids));
    INSERT INTO escalation_parties (escalation_id, organization_id, contract_id, severity, state, opened_at)
      SELECT DISTINCT e.id, o, e.contract_id, e.severity, e.state, e.opened_at
      FROM escalations AS e, unnest(NEW.party_organization_ids) AS o WHERE e.contract_id = NEW.id
    ON CONFLICT (escalation_id, organization_id) DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER contract_parties_on_insert AFTER INSERT ON contracts
  FOR EACH ROW EXECUTE FUNCTION contract_parties_sync();
--> statement-breakpoint
CREATE TRIGGER contract_parties_on_update AFTER UPDATE ON contracts
  FOR EACH ROW WHEN (
    OLD.party_organization_ids IS DISTINCT FROM NEW.party_organization_ids OR OLD.status IS DISTINCT FROM NEW.status
    OR OLD.arrears_from IS DISTINCT FROM NEW.arrears_from OR OLD.created_at IS DISTINCT FROM NEW.created_at
  ) EXECUTE FUNCTION contract_parties_sync();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION escalation_parties_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.contract_id IS DISTINCT FROM NEW.contract_id THEN
    DELETE FROM escalation_parties WHERE escalation_id = NEW.id;
  END IF;
  INSERT INTO escalation_parties (escalation_id, organization_id, contract_id, severity, state, opened_at)
    SELECT DISTINCT NEW.id, o, NEW.contract_id, NEW.severity, NEW.state, NEW.opened_at
    FROM contracts AS c, unnest(c.party_organization_ids) AS o WHERE c.id = NEW.contract_id
  ON CONFLICT (escalation_id, organization_id) DO UPDATE
    SET contract_id = excluded.contract_id, severity = excluded.severity, state = excluded.state, opened_at = excluded.opened_at;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER escalation_parties_on_insert AFTER INSERT ON escalations
  FOR EACH ROW EXECUTE FUNCTION escalation_parties_sync();
--> statement-breakpoint
CREATE TRIGGER escalation_parties_on_update AFTER UPDATE ON escalations
  FOR EACH ROW WHEN (
    OLD.contract_id IS DISTINCT FROM NEW.contract_id OR OLD.severity IS DISTINCT FROM NEW.severity
    OR OLD.state IS DISTINCT FROM NEW.state OR OLD.opened_at IS DISTINCT FROM NEW.opened_at
  ) EXECUTE FUNCTION escalation_parties_sync();
--> statement-breakpoint
-- Backfill: arrears_from of the rows already written, by domain/status arrearsFrom's rule (the first
-- tranche due instant at which the tranches due by then exceed what was received). This one-off copy
-- of the rule is checked against the domain function in tests/integration/scale-reads.test.ts; from
-- here on the projection writes the column from the domain function itself.
UPDATE contracts AS c SET arrears_from = (
  SELECT timestamptz 'epoch' + min(d.due_at) * interval '1 millisecond'
  FROM (
    SELECT (t ->> 'dueAt')::bigint AS due_at,
           sum((t ->> 'amountFen')::bigint) OVER (ORDER BY (t ->> 'dueAt')::bigint RANGE UNBOUNDED PRECEDING) AS due_fen
    FROM jsonb_array_elements(c.definition -> 'tranches') AS t
  ) AS d
  WHERE d.due_fen > c.received_fen
);
--> statement-breakpoint
INSERT INTO contract_parties (contract_id, organization_id, created_at, status, arrears_from)
  SELECT DISTINCT c.id, o, c.created_at, c.status, c.arrears_from FROM contracts AS c, unnest(c.party_organization_ids) AS o
ON CONFLICT (contract_id, organization_id) DO NOTHING;
--> statement-breakpoint
INSERT INTO escalation_parties (escalation_id, organization_id, contract_id, severity, state, opened_at)
  SELECT DISTINCT e.id, o, e.contract_id, e.severity, e.state, e.opened_at
  FROM escalations AS e JOIN contracts AS c ON c.id = e.contract_id, unnest(c.party_organization_ids) AS o
ON CONFLICT (escalation_id, organization_id) DO NOTHING;
