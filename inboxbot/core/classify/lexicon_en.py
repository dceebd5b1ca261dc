"""English word families. English inflection is thin, so roots ("remov*") cover it; English words are
looked up unfolded, before any transliteration, and only Latin words that are not English are tried
as transliterated Russian or Kazakh.
"""

from __future__ import annotations

from .concepts import C, Concept, words

FAMILIES: dict[Concept, str] = {
    C.UNSUB: "unsubscrib* unsub optout",
    C.SUBSCRIBE: "subscrib* signup",
    C.SUBSCRIPTION: "subscription*",
    C.REMOVE: "remov* delet* exclud* drop disabl* unlist*",
    C.ERASE: "eras* erasure destroy* wipe wiping purg* forget forgotten",
    C.CLOSE: "close closing closure deactivat* shut",
    C.EXIT: "leave leaving",
    C.STOP: "stop* ceas* halt quit enough",
    C.SEND: "send* sent emailing emailed messaging messaged contacting writing write texting texted bombard* "
    "communicate* correspond",
    C.RECEIVE: "receiv* get gets getting got gotten arriv* coming",
    C.CANCEL: "cancel*",
    C.REFUSE: "refus* declin*",
    C.KEEP: "keep stay staying remain*",
    C.RESTORE: "resubscrib* restor* reinstat*",
    C.CHANGE: "chang* updat* correct* fix fixing amend* modif* edit editing replac* renam* switch* "
    "reregister* rebrand*",
    C.ADD: "add adding added put",
    C.ERROR: "wrong* incorrect* misspel* mistak* typo* error* inaccura* outdated",
    C.WITHDRAW: "withdraw* revok* revocation retract*",
    C.PROHIBIT: "prohibit* forbid* object objecting",
    C.TRANSFER: "shar* transfer* disclos* sold sell selling passed leak*",
    C.HOLD: "hold holding holds stor* have has collect* possess* retain* process*",
    C.KNOW: "know knowing",
    C.USE: "use using used uses usage",
    C.PROCESS: "process*",
    C.WANT: "want* wish* like prefer* rather appreciate",
    C.NEED: "need needs",
    C.CAN: "can can't cannot could couldn't able unable would possible",
    C.INTEND: "ask asking asked intend* intention* plan planning planned going mean meant looking trying",
    C.LIST: "list lists mailing mailings newsletter* digest*",
    C.MAIL: "email* mail mails letter* messag* notification* news newsletter* promo* offers texts sms "
    "communications correspondence",
    C.SMS: "sms texts text",
    C.SPAM: "spam*",
    C.MARKETING: "marketing advert* ads promo* commercial*",
    C.DATA: "data details information info pii",
    C.PERSONAL: "personal private",
    C.PHONE: "phone* mobile* cell telephone",
    C.NUMBER: "number numbers",
    C.NAME: "name names surname* firstname lastname",
    C.ADDRESS: "address* postal",
    C.EMAIL: "email* mailbox",
    C.BIRTH: "birth* dob birthday",
    C.REQUISITES: "requisites bin iin iban bank vat legal",
    C.LANGUAGE: "language* english russian kazakh",
    C.CONTACT: "contact contacts director ceo accountant",
    C.PASSPORT: "passport*",
    C.ACCOUNT: "account* profile* username",
    C.BASE: "database* records record system systems crm files",
    C.CONSENT: "consent* permission*",
    C.COPY: "copy copies export* download downloads list",
    C.ACCESS: "access",
    C.ORDER: "order* invoice* contract* ticket* case",
    C.WHAT: "what which",
    C.WHOM: "whom who",
    C.SOURCE: "source* obtain* obtained",
    C.WHERE: "where",
    C.HOW: "how",
    C.PURPOSE: "purpose* why",
    C.NEW: "new",
    C.OLD: "old previous former",
    C.INSTEAD: "instead",
    C.NOW: "now",
    C.MORE: "more anymore longer further",
    C.CONTINUE: "still keep keeps continu* again constantly repeatedly daily",
    C.NEVER: "never",
    C.FED_UP: "sick tired fed annoying annoyed harass*",
    C.ME: "me",
    C.OWN: "my mine myself",
    C.OUR: "our ours",
    C.OFFER: "provide provides offer offers build builds deliver delivers specialise specialize specialises "
    "specializes generate generates",
    C.THIRD: "him he she they",
    C.YOU: "you",
    C.WE: "we we're we've we'll",
    C.THIRD_OWNER: "customers' clients' patients patients' employees' users'",
    C.AUDIENCE: "customers clients subscribers users audience buyers shoppers people customer client "
    "subscriber recipients recipient contacts guests leads",
    C.METRIC: "rate rates percentage percent ratio statistics stats metrics reduc* lower* decreas* minimi* "
    "fewer",
    C.TOOL: "template templates page pages button buttons feature features functionality option options api "
    "webhook webhooks "
    "widget plugin event events mechanism link links form forms",
    C.CARD: "card cards",
    C.RECORDING: "recording recordings",
    C.CALL: "call calls conversation conversations",
    C.PRONOUN: "it them this everything both",
    C.PLEASE: "please pls plz kindly requesting demand tell inform explain show",
    C.REQUEST_NOUN: "request requests",
    C.RIGHT: "right",
    C.NEG: "not no never don't dont doesn't didn't won't haven't hasn't isn't aren't wasn't weren't "
    "wouldn't shouldn't nothing nobody none without",
    C.UNCHANGED: "unchanged same",
    C.GREETING: "hi hello dear thanks thank regards team hey good morning afternoon evening cheers",
    C.THANKS: "thanks thank thx",
    C.SKIP: "me you please pls plz just really ever any anymore more further also all your the a an to "
    "us so any immediately now right away kindly then finally lastly next afterwards",
    C.FROM: "from off",
    C.OFF: "off out",
    C.ACCIDENT: "accidentally mistakenly inadvertently unintentionally",
    C.ALL: "all",
    C.CREDENTIALS: "login logins password passwords credentials",
    C.WORKS: "working functioning",
    C.ATTACH: "attach* enclos*",
    C.OBTAIN: "find found gave given",
}

# Frequent English words that carry no concept: a Latin word found here is English, and is never
# read as transliterated Russian or Kazakh ("on" is not "он", "men" is not "мен").
COMMON = frozenset(
    words(
        """
    a about above after again against all am an and any are as at be because been before being below
    between both but by could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his i if in into is it its itself just let me more most
    my myself no nor not of off on once only or other ought our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves ok okay yes thanks hi hello dear regards best kind
    sincerely team sir madam please pls week weeks day days month year today yesterday tomorrow time
    times ago monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december company office support manager problem issue
    order invoice payment price question help look call calls site website link page one two three sure
    also again every would like going want get got see sent since last next first new old many much well
    thank great really already anything something everything nothing someone anyone everyone can it's
    i'm i've i'd we've we're you're don't
    """
    )
)
