import { newNumericId } from '../ids.js';
import type { TemplateOptions, TemplateStatus } from '../options.js';

export interface StoredTemplate extends TemplateOptions {
  id: string;
  wabaId: string;
  status: TemplateStatus;
}

/** Message templates per WABA, in creation order (the order `GET /message_templates` pages through). */
export class TemplateStore {
  readonly all: StoredTemplate[] = [];

  add(input: TemplateOptions & { wabaId: string }): StoredTemplate {
    const template: StoredTemplate = {
      ...input,
      id: input.id ?? newNumericId(),
      status: input.status ?? 'APPROVED',
    };
    this.all.push(template);
    return template;
  }

  forWaba(wabaId: string): StoredTemplate[] {
    return this.all.filter((t) => t.wabaId === wabaId);
  }

  find(wabaId: string, name: string, language: string): StoredTemplate | undefined {
    return this.all.find((t) => t.wabaId === wabaId && t.name === name && t.language === language);
  }
}
