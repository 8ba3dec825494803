"""The handler: parse the message, price it exactly, and lay the quote out in the user's locale."""

from __future__ import annotations

from babel.numbers import get_currency_name, get_currency_precision

from robeing_quotes.parsing import Problem, QuoteParseError, Unit, parse_quote
from robeing_quotes.pricing import Line, PricingProblem, Quote, QuotePricingError, price_quote
from robeing_sdk import Message, Reply, SkillContext, hookimpl


def quantity_text(context: SkillContext, line: Line) -> str:
    """``3 hours``, ``3시간``, ``2,5 horas``: the number in the locale, the unit by plural rules."""
    qty = context.format_number(line.quantity)
    # gettext picks plural forms by integers; 1.5 hours is plural, like 2.
    whole = line.quantity == line.quantity.to_integral_value()
    n = int(line.quantity) if whole else 2
    if line.unit is Unit.HOUR:
        return context.ngettext("{qty} hour", "{qty} hours", n, qty=qty)
    if line.unit is Unit.DAY:
        return context.ngettext("{qty} day", "{qty} days", n, qty=qty)
    if line.unit is Unit.MONTH:
        return context.ngettext("{qty} month", "{qty} months", n, qty=qty)
    if line.unit is Unit.PAGE:
        return context.ngettext("{qty} page", "{qty} pages", n, qty=qty)
    if line.unit is Unit.WORD:
        return context.ngettext("{qty} word", "{qty} words", n, qty=qty)
    return context.ngettext("{qty} item", "{qty} items", n, qty=qty)


def render_quote(context: SkillContext, quote: Quote, *, currency_assumed: bool) -> str:
    money = context.format_money
    out = [context.gettext("Quote draft")]
    for line in quote.lines:
        item = line.description or context.gettext("Services")
        if line.unit is Unit.FLAT:
            out.append(context.gettext("• {item}: {amount}", item=item, amount=money(line.amount)))
        else:
            out.append(context.gettext("• {item}: {quantity} × {price} = {amount}", item=item,
                                       quantity=quantity_text(context, line),
                                       price=money(line.unit_price), amount=money(line.amount)))
    if quote.vat is not None and quote.vat_rate is not None:
        out.append(context.gettext("Subtotal: {amount}", amount=money(quote.subtotal)))
        rate = context.format_percent(quote.vat_rate / 100)
        out.append(context.gettext("VAT {rate}: {amount}", rate=rate, amount=money(quote.vat)))
        out.append(context.gettext("Total: {amount}", amount=money(quote.total)))
    else:
        out.append(context.gettext("Total: {amount} (VAT not included)",
                                   amount=money(quote.total)))
    if currency_assumed:
        out.append(context.gettext("No currency was given, so I used {currency}.",
                                   currency=currency_name(context, quote.currency)))
    return "\n".join(out)


def currency_name(context: SkillContext, code: str) -> str:
    return f"{get_currency_name(code, locale=context.locale)} ({code})"


def problem_text(context: SkillContext, error: QuoteParseError | QuotePricingError) -> str:
    details = error.details
    if error.problem is Problem.MIXED_CURRENCIES:
        codes = [str(code) for code in details["currencies"]]  # type: ignore[attr-defined]
        return context.gettext("All items of one quote must be in the same currency; "
                               "I found {currencies}.", currencies=context.format_list(codes))
    if error.problem is Problem.BAD_VAT_RATE:
        return context.gettext("A VAT rate must be between {low} and {high}.",
                               low=context.format_percent(0), high=context.format_percent(1))
    if error.problem is PricingProblem.TOO_PRECISE:
        code = str(details["currency"])
        digits = int(get_currency_precision(code))
        name = currency_name(context, code)
        if digits == 0:
            return context.gettext("{currency} has no minor unit, so {amount} cannot be charged "
                                   "exactly; please use whole amounts.",
                                   currency=name, amount=details["amount"])
        return context.ngettext(
            "{currency} amounts have at most {n} decimal place, so {amount} cannot be "
            "charged exactly.",
            "{currency} amounts have at most {n} decimal places, so {amount} cannot be "
            "charged exactly.", digits, currency=name, amount=details["amount"])
    if error.problem is PricingProblem.NOT_POSITIVE:
        return context.gettext("Quantities and prices must be more than zero.")
    if error.problem is PricingProblem.TOO_LARGE:
        return context.gettext("That amount is too large for a quote.")
    if error.problem is PricingProblem.VAT_RATE_NEEDED:
        return context.gettext("Which VAT rate should I add for {currency}? Say, for example, "
                               "“with VAT 8%”.",
                               currency=currency_name(context, str(details["currency"])))
    return context.gettext("I could not find a price in that. Try, for example: "
                           "“quote 3 hours of design at 50,000 KRW per hour”.")


@hookimpl
def robeing_handle_message(message: Message, context: SkillContext) -> Reply:
    try:
        request = parse_quote(message.text, message.language)
        quote = price_quote(request)
    except (QuoteParseError, QuotePricingError) as error:
        return Reply(text=problem_text(context, error), confidence=0.3,
                     metadata={"error": str(error.problem)})
    metadata = {
        "currency": quote.currency,
        "currency_assumed": request.currency_assumed,
        "subtotal": quote.subtotal.amount,
        "vat": quote.vat.amount if quote.vat else 0,
        "vat_rate": str(quote.vat_rate) if quote.vat_rate is not None else None,
        "total": quote.total.amount,
        "lines": [{"description": line.description, "quantity": str(line.quantity),
                   "unit": str(line.unit), "unit_price": line.unit_price.amount,
                   "amount": line.amount.amount} for line in quote.lines],
    }
    return Reply(text=render_quote(context, quote, currency_assumed=request.currency_assumed),
                 confidence=0.9, metadata=metadata)
