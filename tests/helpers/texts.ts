// Free texts for tests that talk to workflows directly: stored first, as the API does (claim check,
// domain/free-text.ts), so the projections find them.
import type { Database } from '../../db/client';
import { storeTexts } from '../../db/free-texts';
import type { TextReference } from '../../domain/free-text';

export async function storedText(db: Database, text: string, scope = 'tests'): Promise<TextReference> {
  return (await storeTexts(db, scope, [text]))[0]!;
}
