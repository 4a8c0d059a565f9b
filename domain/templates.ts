// Material templates: what an evaluation document must contain, section by section, and which
// evidence must be attached. Data, versioned, in zh-CN and en. The pre-check applies them before
// any reviewer spends time on a submission.
import type { Text } from './languages';

export const ATTACHMENT_KINDS = [
  'photo',
  'sign_in_sheet',
  'case_record',
  'service_register',
  'report',
  'other',
] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

export interface TemplateSection {
  id: string;
  title: Text;
  /** Fewest characters the section must have (Chinese text counts each character). */
  minLength: number;
  /** The template's own filler text; a section still containing it was not written. */
  placeholder?: string;
}

export interface MaterialTemplate {
  id: string;
  version: number;
  title: Text;
  sections: TemplateSection[];
  evidence: Array<{ kind: AttachmentKind; min: number; label: Text }>;
}

const section = (id: string, en: string, zh: string, minLength: number, placeholder?: string): TemplateSection => ({
  id,
  title: { en, 'zh-CN': zh },
  minLength,
  ...(placeholder ? { placeholder } : {}),
});

export const TEMPLATES: MaterialTemplate[] = [
  {
    id: 'midterm_report',
    version: 1,
    title: { en: 'Mid-term evaluation report', 'zh-CN': '中期评估报告' },
    sections: [
      section('overview', 'Project overview', '项目概况', 100, '【请填写项目概况】'),
      section('goals', 'Goals and indicators', '服务目标与指标', 80, '【请填写服务目标】'),
      section('progress', 'Services delivered', '服务开展情况', 200, '【请填写服务开展情况】'),
      section('theory', 'Theory and method', '理论与方法运用', 80, '【请说明理论依据】'),
      section('problems', 'Problems and next steps', '存在问题与下一步计划', 80, '【请填写存在问题】'),
    ],
    evidence: [
      { kind: 'photo', min: 3, label: { en: 'activity photos', 'zh-CN': '活动照片' } },
      { kind: 'service_register', min: 1, label: { en: 'service-object register', 'zh-CN': '服务对象台账' } },
    ],
  },
  {
    id: 'casework_record',
    version: 1,
    title: { en: 'Casework record', 'zh-CN': '个案工作记录' },
    sections: [
      section('background', 'Client background', '服务对象基本情况', 60, '【请填写服务对象情况】'),
      section('assessment', 'Needs assessment', '需求评估', 60, '【请填写需求评估】'),
      section('goals', 'Service goals', '服务目标', 30, '【请填写服务目标】'),
      section('intervention', 'Intervention steps', '介入过程', 100, '【请填写介入过程】'),
      section('evaluation', 'Evaluation and closing', '评估与结案', 40, '【请填写评估】'),
    ],
    evidence: [{ kind: 'case_record', min: 1, label: { en: 'signed case record', 'zh-CN': '签字个案记录' } }],
  },
  {
    id: 'groupwork_record',
    version: 1,
    title: { en: 'Group-work record', 'zh-CN': '小组工作记录' },
    sections: [
      section('members', 'Members and recruitment', '组员与招募', 40, '【请填写组员情况】'),
      section('goals', 'Group goals', '小组目标', 30, '【请填写小组目标】'),
      section('sessions', 'Sessions and activity steps', '节次与活动步骤', 120, '【请填写活动步骤】'),
      section('evaluation', 'Evaluation', '小组评估', 40, '【请填写评估】'),
    ],
    evidence: [
      { kind: 'sign_in_sheet', min: 1, label: { en: 'sign-in sheet', 'zh-CN': '签到表' } },
      { kind: 'photo', min: 2, label: { en: 'session photos', 'zh-CN': '活动照片' } },
    ],
  },
  {
    id: 'activity_evidence_pack',
    version: 1,
    title: { en: 'Community activity evidence pack', 'zh-CN': '社区活动佐证材料' },
    sections: [
      section('plan', 'Activity plan', '活动方案', 60, '【请填写活动方案】'),
      section('summary', 'Activity summary', '活动总结', 80, '【请填写活动总结】'),
    ],
    evidence: [
      { kind: 'photo', min: 3, label: { en: 'activity photos', 'zh-CN': '活动照片' } },
      { kind: 'sign_in_sheet', min: 1, label: { en: 'sign-in sheet', 'zh-CN': '签到表' } },
    ],
  },
];

export function templateById(id: string): MaterialTemplate | undefined {
  return TEMPLATES.find((t) => t.id === id);
}
