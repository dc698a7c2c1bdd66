import { z } from 'zod';
import { DomainError, ErrorCode, InputError, NotFoundError, Prisma, type PrismaClient } from '@shopgraph/kit';
import type { CouponModel } from '../models.js';

const amount = z.string().trim().regex(/^\d{1,10}(\.\d{1,2})?$/, 'must be an amount with at most 2 decimals');
const limit = z.number().int().min(1, 'must be at least 1').max(10_000_000);
const window = {
  startsAt: z.date().nullish(),
  endsAt: z.date().nullish(),
};

const createSchema = z
  .object({
    code: z.string().trim().toUpperCase().regex(/^[A-Z0-9_-]{2,40}$/, 'must be 2-40 letters, digits, - or _'),
    kind: z.enum(['PERCENTAGE', 'FIXED']),
    value: amount,
    currency: z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD').nullish(),
    minSpend: amount.nullish(),
    usageLimit: limit.nullish(),
    perCustomerLimit: limit.nullish(),
    ...window,
  })
  .superRefine((v, ctx) => {
    const value = new Prisma.Decimal(/^\d/.test(v.value) ? v.value : '0');
    if (value.lessThanOrEqualTo(0)) ctx.addIssue({ code: 'custom', path: ['value'], message: 'must be more than 0' });
    if (v.kind === 'PERCENTAGE' && value.greaterThan(100)) ctx.addIssue({ code: 'custom', path: ['value'], message: 'a percentage is at most 100' });
    if (v.kind === 'FIXED' && !v.currency) ctx.addIssue({ code: 'custom', path: ['currency'], message: 'is required for a FIXED coupon' });
    if (v.startsAt && v.endsAt && v.startsAt >= v.endsAt) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
  });
export type CreateCouponInput = z.input<typeof createSchema>;

const updateSchema = z.object({
  value: amount.nullish(),
  minSpend: amount.nullish(),
  usageLimit: limit.nullish(),
  perCustomerLimit: limit.nullish(),
  active: z.boolean().nullish(),
  ...window,
});
export type UpdateCouponInput = z.input<typeof updateSchema>;

function fieldErrors(error: z.ZodError, prefix: string): InputError {
  return new InputError(error.issues.map((i) => ({ field: [prefix, ...i.path].join('.'), message: i.message })));
}

/** Admin management of coupon codes (scope "orders"); carts read them when pricing. */
export class CouponService {
  constructor(private readonly prisma: PrismaClient) {}

  async coupon(code: string): Promise<CouponModel | null> {
    return this.prisma.coupon.findUnique({ where: { code: code.trim().toUpperCase() } });
  }

  async createCoupon(raw: CreateCouponInput): Promise<CouponModel> {
    const parsed = createSchema.safeParse(raw);
    if (!parsed.success) throw fieldErrors(parsed.error, 'input');
    const v = parsed.data;
    try {
      return await this.prisma.coupon.create({
        data: {
          code: v.code,
          kind: v.kind,
          value: v.value,
          currency: v.kind === 'FIXED' ? (v.currency ?? null) : null,
          minSpend: v.minSpend ?? null,
          startsAt: v.startsAt ?? null,
          endsAt: v.endsAt ?? null,
          usageLimit: v.usageLimit ?? null,
          perCustomerLimit: v.perCustomerLimit ?? null,
        },
      });
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw InputError.of('input.code', 'is taken by another coupon');
      throw err;
    }
  }

  async updateCoupon(code: string, raw: UpdateCouponInput): Promise<CouponModel> {
    const parsed = updateSchema.safeParse(raw);
    if (!parsed.success) throw fieldErrors(parsed.error, 'input');
    const v = parsed.data;
    return this.prisma.$transaction(async (tx) => {
      const current = await tx.coupon.findUnique({ where: { code: code.trim().toUpperCase() } });
      if (!current) throw new NotFoundError('Coupon', 'code', code);
      const value = v.value != null ? new Prisma.Decimal(v.value) : current.value;
      if (value.lessThanOrEqualTo(0)) throw InputError.of('input.value', 'must be more than 0');
      if (current.kind === 'PERCENTAGE' && value.greaterThan(100)) throw InputError.of('input.value', 'a percentage is at most 100');
      const startsAt = v.startsAt !== undefined ? v.startsAt : current.startsAt;
      const endsAt = v.endsAt !== undefined ? v.endsAt : current.endsAt;
      if (startsAt && endsAt && startsAt >= endsAt) throw InputError.of('input.endsAt', 'must be after startsAt');
      const usageLimit = v.usageLimit !== undefined ? v.usageLimit : current.usageLimit;
      if (usageLimit != null && usageLimit < current.usedCount) throw InputError.of('input.usageLimit', `is below the ${current.usedCount} uses so far`);
      return tx.coupon.update({
        where: { code: current.code },
        data: {
          value,
          ...(v.minSpend !== undefined && { minSpend: v.minSpend }),
          startsAt,
          endsAt,
          usageLimit,
          ...(v.perCustomerLimit !== undefined && { perCustomerLimit: v.perCustomerLimit }),
          ...(v.active != null && { active: v.active }),
        },
      });
    });
  }

  async deactivateCoupon(code: string): Promise<CouponModel> {
    const current = await this.coupon(code);
    if (!current) throw new NotFoundError('Coupon', 'code', code);
    if (!current.active) return current;
    const updated = await this.prisma.coupon.updateMany({ where: { code: current.code, active: true }, data: { active: false } });
    if (updated.count === 0 && !(await this.coupon(code))) throw new DomainError(ErrorCode.CONFLICT, 'The coupon changed meanwhile');
    return (await this.coupon(code))!;
  }
}
