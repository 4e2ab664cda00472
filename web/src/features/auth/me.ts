export interface Me {
  id: string;
  tenantId: string;
  name: string;
  role: 'operator' | 'supervisor' | 'admin';
  groupIds: string[] | 'all';
  csrfToken?: string;
}
