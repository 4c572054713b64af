import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requestMeta, userActor } from '../../platform/http.js';
import { errorResponses } from '../../platform/schemas.js';
import {
  AdminCategory,
  AdminListQuery,
  AdminService,
  BrowseQuery,
  Category,
  CategoryCreateBody,
  CategoryUpdateBody,
  Form,
  FormErrorResponse,
  FormVersionSummary,
  IdParams,
  PublishFormBody,
  ServiceCreateBody,
  ServiceDetail,
  ServiceRefParams,
  ServiceSummary,
  ServiceUpdateBody,
  VersionParams,
  toAdminCategoryDto,
  toAdminServiceDto,
  toCategoryDto,
  toFormDto,
  toFormVersionSummaryDto,
  toServiceSummaryDto,
} from './services.schemas.js';
import type { CatalogueService, ServiceWithForm } from './services.service.js';

const tags = ['services'];
const adminTags = ['services admin'];
const ADMIN = ['admin'] as const;
/** Routes that check a form definition answer 400 with the engine's rule codes in the details. */
const formErrors = { ...errorResponses, 400: FormErrorResponse };

const detail = ({ service, form }: ServiceWithForm) => ({ ...toServiceSummaryDto(service), form: toFormDto(form) });
const adminDetail = ({ service, form }: ServiceWithForm) => ({ ...toAdminServiceDto(service), form: toFormDto(form) });
const AdminServiceDetail = Type.Object({ ...AdminService.properties, form: Form });

/** The catalogue for signed-in users (customers, and operators filing for walk-in customers). */
export const catalogueRoutes: FastifyPluginAsyncTypebox<{ catalogue: CatalogueService }> = async (app, { catalogue }) => {
  app.get(
    '/api/service-categories',
    {
      config: { access: 'signed-in' },
      schema: { tags, summary: 'Categories that have services to offer', response: { 200: Type.Object({ items: Type.Array(Type.Object({ ...Category.properties, serviceCount: Type.Integer() })) }), ...errorResponses } },
    },
    async () => ({ items: (await catalogue.categories()).filter((c) => c.service_count > 0).map((c) => ({ ...toCategoryDto(c), serviceCount: c.service_count })) }),
  );

  app.get(
    '/api/services',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'Active services: search by name in English or Hindi (every word must match), filter by category',
        querystring: BrowseQuery,
        response: { 200: Type.Object({ items: Type.Array(ServiceSummary), total: Type.Integer() }), ...errorResponses },
      },
    },
    async (request) => {
      const { items, total } = await catalogue.browse(request.query);
      return { items: items.map(toServiceSummaryDto), total };
    },
  );

  app.get(
    '/api/services/:ref',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'One active service by id or slug: fee breakdown, required documents and the current form',
        params: ServiceRefParams,
        response: { 200: Type.Object({ service: ServiceDetail }), ...errorResponses },
      },
    },
    async (request) => ({ service: detail(await catalogue.forCustomer(request.params.ref)) }),
  );
};

/** Catalogue management: admins only, every change in the activity log. */
export const catalogueAdminRoutes: FastifyPluginAsyncTypebox<{ catalogue: CatalogueService }> = async (app, { catalogue }) => {
  app.get(
    '/api/admin/services',
    {
      config: { access: ADMIN },
      schema: {
        tags: adminTags,
        summary: 'All services, active or not',
        querystring: AdminListQuery,
        response: { 200: Type.Object({ items: Type.Array(AdminService), total: Type.Integer() }), ...errorResponses },
      },
    },
    async (request) => {
      const { items, total } = await catalogue.adminList(request.query);
      return { items: items.map(toAdminServiceDto), total };
    },
  );

  app.post(
    '/api/admin/services',
    {
      config: { access: ADMIN },
      schema: { tags: adminTags, summary: 'Create a service with version 1 of its form', body: ServiceCreateBody, response: { 201: Type.Object({ service: AdminServiceDetail }), ...formErrors } },
    },
    async (request, reply) => {
      const created = await catalogue.create(userActor(request), request.body, requestMeta(request));
      return reply.status(201).send({ service: adminDetail(created) });
    },
  );

  app.get(
    '/api/admin/services/:id',
    {
      config: { access: ADMIN },
      schema: {
        tags: adminTags,
        summary: 'A service with its current form and the list of its form versions',
        params: IdParams,
        response: { 200: Type.Object({ service: AdminServiceDetail, versions: Type.Array(FormVersionSummary) }), ...errorResponses },
      },
    },
    async (request) => {
      const found = await catalogue.adminGet(request.params.id);
      return { service: adminDetail(found), versions: found.versions.map(toFormVersionSummaryDto) };
    },
  );

  app.patch(
    '/api/admin/services/:id',
    {
      config: { access: ADMIN },
      schema: {
        tags: adminTags,
        summary: "Change a service's details (names, category, fees, GST, turnaround, KYC, order); the form changes by publishing a version",
        params: IdParams,
        body: ServiceUpdateBody,
        response: { 200: Type.Object({ service: AdminServiceDetail }), ...errorResponses },
      },
    },
    async (request) => ({ service: adminDetail(await catalogue.update(userActor(request), request.params.id, request.body, requestMeta(request))) }),
  );

  for (const [verb, active] of [['activate', true], ['deactivate', false]] as const) {
    app.post(
      `/api/admin/services/:id/${verb}`,
      {
        config: { access: ADMIN },
        schema: {
          tags: adminTags,
          summary: active ? 'Show the service to customers' : 'Hide the service from customers (applications already made are unaffected)',
          params: IdParams,
          response: { 200: Type.Object({ service: AdminServiceDetail }), ...errorResponses },
        },
      },
      async (request) => ({ service: adminDetail(await catalogue.setActive(userActor(request), request.params.id, active, requestMeta(request))) }),
    );
  }

  app.get(
    '/api/admin/services/:id/form-versions',
    {
      config: { access: ADMIN },
      schema: { tags: adminTags, summary: 'Every published version of the form, newest first', params: IdParams, response: { 200: Type.Object({ items: Type.Array(FormVersionSummary) }), ...errorResponses } },
    },
    async (request) => ({ items: (await catalogue.versions(request.params.id)).map(toFormVersionSummaryDto) }),
  );

  app.post(
    '/api/admin/services/:id/form-versions',
    {
      config: { access: ADMIN },
      schema: {
        tags: adminTags,
        summary: 'Publish a new version of the form (201), or nothing when it equals the current one (200); 409 when the form changed since baseVersion',
        params: IdParams,
        body: PublishFormBody,
        response: { 200: Type.Object({ service: AdminServiceDetail, created: Type.Boolean() }), 201: Type.Object({ service: AdminServiceDetail, created: Type.Boolean() }), ...formErrors },
      },
    },
    async (request, reply) => {
      const result = await catalogue.publishForm(userActor(request), request.params.id, request.body, requestMeta(request));
      return reply.status(result.created ? 201 : 200).send({ service: adminDetail(result), created: result.created });
    },
  );

  app.get(
    '/api/admin/services/:id/form-versions/:version',
    {
      config: { access: ADMIN },
      schema: { tags: adminTags, summary: 'One published version of the form (versions never change)', params: VersionParams, response: { 200: Type.Object({ form: Form }), ...errorResponses } },
    },
    async (request) => ({ form: toFormDto(await catalogue.formVersion(request.params.id, request.params.version)) }),
  );

  app.get(
    '/api/admin/service-categories',
    {
      config: { access: ADMIN },
      schema: { tags: adminTags, summary: 'All categories with their number of services', response: { 200: Type.Object({ items: Type.Array(AdminCategory) }), ...errorResponses } },
    },
    async () => ({ items: (await catalogue.adminCategories()).map(toAdminCategoryDto) }),
  );

  app.post(
    '/api/admin/service-categories',
    {
      config: { access: ADMIN },
      schema: { tags: adminTags, summary: 'Create a category', body: CategoryCreateBody, response: { 201: Type.Object({ category: AdminCategory }), ...errorResponses } },
    },
    async (request, reply) => reply.status(201).send({ category: toAdminCategoryDto(await catalogue.createCategory(userActor(request), request.body, requestMeta(request))) }),
  );

  app.patch(
    '/api/admin/service-categories/:id',
    {
      config: { access: ADMIN },
      schema: {
        tags: adminTags,
        summary: 'Rename, reorder, activate or deactivate a category (services of an inactive category are hidden from customers)',
        params: IdParams,
        body: CategoryUpdateBody,
        response: { 200: Type.Object({ category: AdminCategory }), ...errorResponses },
      },
    },
    async (request) => ({ category: toAdminCategoryDto(await catalogue.updateCategory(userActor(request), request.params.id, request.body, requestMeta(request))) }),
  );
};
