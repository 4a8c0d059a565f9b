CREATE TABLE "free_texts" (
	"id" text PRIMARY KEY NOT NULL,
	"scope" text NOT NULL,
	"sha256" text NOT NULL,
	"chars" integer NOT NULL,
	"body" text NOT NULL,
	"holders" integer DEFAULT 1 NOT NULL,
	"accepted_at" timestamp with time zone,
	"stored_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "free_texts_scope_idx" ON "free_texts" USING btree ("scope");--> statement-breakpoint
CREATE INDEX "free_texts_unaccepted_idx" ON "free_texts" USING btree ("stored_at") WHERE accepted_at IS NULL;