/**
 * `/api/organization/v1`: how clients discover org and department ids and
 * whether the API may manage SSL/client certificates there.
 */
import { ORGANIZATIONS, type Department, type Organization } from './catalog.js';
import type { RouteTable } from './route-table.js';
import { intParam, mountScm, type SimulatorRuntime } from './runtime.js';
import { scm } from './scm-reply.js';

export function mountOrgRoutes(routes: RouteTable, runtime: SimulatorRuntime): void {
  mountScm(routes, runtime, 'GET', '/api/organization/v1', 'organizations', (ctx) => {
    ctx.body = ORGANIZATIONS.map((org) => ({
      id: org.id,
      name: org.name,
      certTypes: certTypes(org),
      departments: org.departments.map((d) => ({ id: d.id, parentName: d.parentName, name: d.name, certTypes: certTypes(d) })),
    }));
  });

  mountScm(routes, runtime, 'GET', '/api/organization/v1/:id', 'organization', (ctx, params) => {
    const id = intParam(params.id);
    for (const org of ORGANIZATIONS) {
      if (org.id === id) {
        ctx.body = { ...organizationView(org), departments: org.departments.map((d) => organizationView(d, org)) };
        return;
      }
      const department = org.departments.find((d) => d.id === id);
      if (department) {
        ctx.body = { ...organizationView(department, org), departments: [] };
        return;
      }
    }
    throw scm.orgNotFound(params.id);
  });
}

function certTypes(unit: Department | Organization): string[] {
  return [...(unit.sslCertsApiEnabled ? ['SSL'] : []), ...(unit.clientCertsApiEnabled ? ['SMIME'] : [])];
}

function organizationView(unit: Department | Organization, parent?: Organization) {
  return {
    id: unit.id,
    name: unit.name,
    certTypes: certTypes(unit),
    ...(parent ? { parentId: parent.id, parentName: parent.name } : {}),
    address1: '1 Simulated Street',
    city: 'Salford',
    stateOrProvince: 'Greater Manchester',
    postalCode: 'M5 3EQ',
    country: 'GB',
    validationStatus: 'VALIDATED',
    clientCertificate: {
      allowKeyRecoveryByMasterAdmins: false,
      allowKeyRecoveryByOrgAdmins: false,
      allowKeyRecoveryByDepartmentAdmins: false,
    },
    sslCertsApiEnabled: unit.sslCertsApiEnabled,
    clientCertsApiEnabled: unit.clientCertsApiEnabled,
  };
}
