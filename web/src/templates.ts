// The material templates (GET /v1/templates): titles of templates and sections for reasons and diffs.
import { get } from './api';
import type { Page, Template } from './types';
import { useLoad } from './ui';

let cached: Promise<Template[]> | undefined;

export function loadTemplates(): Promise<Template[]> {
  cached ??= get<Page<Template>>('/v1/templates').then(
    (page) => page.items,
    (error: unknown) => {
      cached = undefined;
      throw error;
    },
  );
  return cached;
}

export function useTemplates() {
  return useLoad(loadTemplates, []);
}
