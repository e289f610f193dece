//! The words of the books in each locale the core supports: report titles and
//! columns, the monthly report's lines, grading's norms and grades' buckets,
//! and the default chart's account names. One table, so every screen that
//! shows a book (the server's pages now; the app's reports next) says the same
//! thing in Hindi or Persian. Figures are formatted by [`crate::locale`].

use crate::org::Locale;

/// A word or phrase of the books.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term {
    TrialBalance,
    MonthlyReport,
    LoanPortfolio,
    Grading,
    Passbooks,
    CifReconciliation,
    Account,
    Debit,
    Credit,
    Total,
    Member,
    Members,
    Savings,
    LoansOutstanding,
    Par30,
    Grade,
    Score,
    MeetingsLast3Months,
    LastSync,
    ChainHead,
    Outstanding,
    Arrears,
    DaysPastDue,
    Loan,
    PaidIn,
    Received,
    Compulsory,
    Voluntary,
    Principal,
    Difference,
    Status,
    Meetings,
    Attendance,
    CompulsorySavings,
    VoluntarySavings,
    Withdrawals,
    SavingsReturned,
    LoansDisbursed,
    AmountDisbursed,
    PrincipalRepaid,
    InterestCollected,
    PenaltiesCollected,
    FinesAndFees,
    ClosingCash,
    ClosingBank,
    Organisations,
    AsOf,
    Norm,
    Workings,
    Lender,
    Borrower,
    Agrees,
    Differs,
    OnlyLender,
    OnlyBorrower,
    Duplicate,
    NoReference,
    Reference,
    Bucket,
    Name,
    Code,
    Under,
}

/// `term` in `locale`: English, Hindi, Persian. A match, so a new term
/// cannot be left without its words.
pub fn term(term: Term, locale: Locale) -> &'static str {
    let (en, hi, fa) = match term {
        Term::TrialBalance => ("Trial balance", "तलपट", "تراز آزمایشی"),
        Term::MonthlyReport => ("Monthly report", "मासिक रिपोर्ट", "گزارش ماهانه"),
        Term::LoanPortfolio => ("Loan portfolio", "ऋण पोर्टफोलियो", "سبد وام‌ها"),
        Term::Grading => ("Grading", "ग्रेडिंग", "رتبه‌بندی"),
        Term::Passbooks => ("Members' passbooks", "सदस्यों की पासबुक", "دفترچه‌های اعضا"),
        Term::CifReconciliation => (
            "CIF reconciliation",
            "सीआईएफ मिलान",
            "تطبیق صندوق سرمایه‌گذاری اجتماعی",
        ),
        Term::Account => ("Account", "खाता", "حساب"),
        Term::Debit => ("Debit", "नामे", "بدهکار"),
        Term::Credit => ("Credit", "जमा", "بستانکار"),
        Term::Total => ("Total", "कुल", "جمع"),
        Term::Member => ("Member", "सदस्य", "عضو"),
        Term::Members => ("Members", "सदस्य संख्या", "اعضا"),
        Term::Savings => ("Savings", "बचत", "پس‌انداز"),
        Term::LoansOutstanding => ("Loans outstanding", "बकाया ऋण", "مانده وام‌ها"),
        Term::Par30 => (
            "PAR30",
            "PAR30 (30 दिन से अधिक बकाया)",
            "PAR30 (معوق بیش از ۳۰ روز)",
        ),
        Term::Grade => ("Grade", "ग्रेड", "رتبه"),
        Term::Score => ("Score", "अंक", "امتیاز"),
        Term::MeetingsLast3Months => (
            "Meetings, last 3 months",
            "पिछले 3 महीनों की बैठकें",
            "جلسه‌های ۳ ماه گذشته",
        ),
        Term::LastSync => ("Last sync", "अंतिम सिंक", "آخرین همگام‌سازی"),
        Term::ChainHead => ("Chain head", "शृंखला शीर्ष", "سر زنجیره"),
        Term::Outstanding => ("Outstanding", "बकाया", "مانده"),
        Term::Arrears => ("Arrears", "देय बकाया", "معوقه"),
        Term::DaysPastDue => ("Days past due", "देय तिथि से दिन", "روزهای تأخیر"),
        Term::Loan => ("Loan", "ऋण", "وام"),
        Term::PaidIn => ("Paid in", "जमा किया", "پرداخت‌شده"),
        Term::Received => ("Received", "प्राप्त किया", "دریافت‌شده"),
        Term::Compulsory => ("Compulsory", "अनिवार्य", "اجباری"),
        Term::Voluntary => ("Voluntary", "स्वैच्छिक", "اختیاری"),
        Term::Principal => ("Principal", "मूलधन", "اصل"),
        Term::Difference => ("Difference", "अंतर", "اختلاف"),
        Term::Status => ("Status", "स्थिति", "وضعیت"),
        Term::Meetings => ("Meetings", "बैठकें", "جلسه‌ها"),
        Term::Attendance => ("Attendance", "उपस्थिति", "حضور"),
        Term::CompulsorySavings => ("Compulsory savings", "अनिवार्य बचत", "پس‌انداز اجباری"),
        Term::VoluntarySavings => ("Voluntary savings", "स्वैच्छिक बचत", "پس‌انداز اختیاری"),
        Term::Withdrawals => ("Withdrawals", "निकासी", "برداشت‌ها"),
        Term::SavingsReturned => (
            "Savings returned at exits",
            "निकास पर लौटाई बचत",
            "پس‌انداز بازگشتی هنگام خروج",
        ),
        Term::LoansDisbursed => ("Loans disbursed", "वितरित ऋण", "وام‌های پرداخت‌شده"),
        Term::AmountDisbursed => ("Amount disbursed", "वितरित राशि", "مبلغ پرداخت‌شده"),
        Term::PrincipalRepaid => ("Principal repaid", "चुकाया गया मूलधन", "اصل بازپرداخت‌شده"),
        Term::InterestCollected => ("Interest collected", "प्राप्त ब्याज", "سود دریافتی"),
        Term::PenaltiesCollected => ("Penalties collected", "प्राप्त दंड", "جریمه‌های دریافتی"),
        Term::FinesAndFees => ("Fines and fees", "जुर्माना और शुल्क", "جریمه‌ها و کارمزدها"),
        Term::ClosingCash => ("Closing cash", "अंतिम नकद", "موجودی نقد پایان"),
        Term::ClosingBank => ("Closing bank", "अंतिम बैंक शेष", "موجودی بانک پایان"),
        Term::Organisations => ("Groups", "समूह", "گروه‌ها"),
        Term::AsOf => ("As of", "तिथि तक", "تا تاریخ"),
        Term::Norm => ("Norm", "मानदंड", "معیار"),
        Term::Workings => ("Workings", "गणना", "محاسبه"),
        Term::Lender => ("Lender's book", "ऋणदाता की पुस्तक", "دفتر وام‌دهنده"),
        Term::Borrower => ("Group's book", "समूह की पुस्तक", "دفتر گروه"),
        Term::Agrees => ("agrees", "मेल खाता है", "مطابق است"),
        Term::Differs => ("differs", "अंतर है", "اختلاف دارد"),
        Term::OnlyLender => (
            "only in the lender's book",
            "केवल ऋणदाता की पुस्तक में",
            "فقط در دفتر وام‌دهنده",
        ),
        Term::OnlyBorrower => (
            "only in the group's book",
            "केवल समूह की पुस्तक में",
            "فقط در دفتر گروه",
        ),
        Term::Duplicate => (
            "a reference matched twice",
            "एक संदर्भ दो बार मिला",
            "شماره مرجع دو بار تطبیق یافته",
        ),
        Term::NoReference => ("no reference", "कोई संदर्भ नहीं", "بدون شماره مرجع"),
        Term::Reference => ("Reference", "संदर्भ", "شماره مرجع"),
        Term::Bucket => ("Days overdue", "अतिदेय दिन", "روزهای معوق"),
        Term::Name => ("Name", "नाम", "نام"),
        Term::Code => ("Code", "कोड", "کد"),
        Term::Under => ("Under", "अंतर्गत", "زیرمجموعه"),
    };
    in_locale(locale, en, hi, fa)
}

/// Of the same words in English, Hindi and Persian, those of `locale`.
pub(crate) fn in_locale<T>(locale: Locale, en: T, hi: T, fa: T) -> T {
    match locale {
        Locale::EnIn => en,
        Locale::HiIn => hi,
        Locale::FaIr => fa,
    }
}

/// The core's English names (default chart accounts, grading's norms, the
/// portfolio's buckets), with their Hindi and Persian.
const NAMES: &[(&str, &str, &str)] = &[
    ("Cash in hand", "हाथ में नकद", "موجودی نقد"),
    ("Bank account", "बैंक खाता", "حساب بانکی"),
    ("Loans to members", "सदस्यों को ऋण", "وام به اعضا"),
    (
        "Members' compulsory savings",
        "सदस्यों की अनिवार्य बचत",
        "پس‌انداز اجباری اعضا",
    ),
    (
        "Members' voluntary savings",
        "सदस्यों की स्वैच्छिक बचत",
        "پس‌انداز اختیاری اعضا",
    ),
    (
        "Bank loans and cash credit",
        "बैंक ऋण और नकद साख",
        "وام‌ها و اعتبار بانکی",
    ),
    (
        "Accumulated surplus and opening balances",
        "संचित अधिशेष और प्रारंभिक शेष",
        "مازاد انباشته و مانده‌های افتتاحیه",
    ),
    (
        "Penalties on late repayment",
        "देर से भुगतान पर दंड",
        "جریمه دیرکرد بازپرداخت",
    ),
    ("Absence fines", "अनुपस्थिति जुर्माना", "جریمه غیبت"),
    ("Membership fees", "सदस्यता शुल्क", "حق عضویت"),
    ("Bank interest", "बैंक ब्याज", "سود بانکی"),
    (
        "Cash excess at meetings",
        "बैठकों में नकद अधिक",
        "اضافه نقد در جلسه‌ها",
    ),
    ("Other income", "अन्य आय", "سایر درآمدها"),
    ("Bank charges", "बैंक शुल्क", "کارمزد بانکی"),
    (
        "Meeting and stationery expenses",
        "बैठक और लेखन सामग्री व्यय",
        "هزینه جلسه و لوازم‌التحریر",
    ),
    (
        "Interest on borrowings",
        "उधार पर ब्याज",
        "سود وام‌های دریافتی",
    ),
    ("Loans written off", "बट्टे खाते में डाले गए ऋण", "وام‌های سوخت‌شده"),
    (
        "Cash shortage at meetings",
        "बैठकों में नकद कमी",
        "کسری نقد در جلسه‌ها",
    ),
    ("Other expenses", "अन्य व्यय", "سایر هزینه‌ها"),
    (
        "Community Investment Fund payable to VO",
        "ग्राम संगठन को देय सामुदायिक निवेश निधि",
        "صندوق سرمایه‌گذاری اجتماعی، بدهی به سازمان روستا",
    ),
    (
        "Vulnerability Reduction Fund payable to VO",
        "ग्राम संगठन को देय जोखिम न्यूनीकरण निधि",
        "صندوق کاهش آسیب‌پذیری، بدهی به سازمان روستا",
    ),
    ("Revolving Fund", "परिक्रामी निधि", "صندوق گردان"),
    (
        "Interest on internal loans",
        "आंतरिक ऋणों पर ब्याज",
        "سود وام‌های داخلی",
    ),
    (
        "Community Investment Fund lent to member groups",
        "सदस्य समूहों को दी गई सामुदायिक निवेश निधि",
        "صندوق سرمایه‌گذاری اجتماعی، وام به گروه‌های عضو",
    ),
    (
        "Community Investment Fund received",
        "प्राप्त सामुदायिक निवेश निधि",
        "صندوق سرمایه‌گذاری اجتماعی دریافتی",
    ),
    (
        "Vulnerability Reduction Fund received",
        "प्राप्त जोखिम न्यूनीकरण निधि",
        "صندوق کاهش آسیب‌پذیری دریافتی",
    ),
    (
        "Grants and capital",
        "अनुदान और पूंजी",
        "کمک‌های بلاعوض و سرمایه",
    ),
    ("Interest on loans", "ऋणों पर ब्याज", "سود وام‌ها"),
    ("Staff honorarium", "कर्मचारी मानदेय", "حق‌الزحمه کارکنان"),
    (
        "Corpus and capital grants",
        "मूल निधि और पूंजी अनुदान",
        "سرمایه پایه و کمک‌های سرمایه‌ای",
    ),
    (
        "Interest on loans to members",
        "सदस्यों को ऋण पर ब्याज",
        "سود وام به اعضا",
    ),
    (
        "Donations and grants",
        "दान और अनुदान",
        "اهدا و کمک‌های بلاعوض",
    ),
    ("Programme expenses", "कार्यक्रम व्यय", "هزینه‌های برنامه"),
    ("Founders' capital", "संस्थापकों की पूंजी", "سرمایه مؤسسان"),
    (
        "Service fees (qard al-hasan)",
        "सेवा शुल्क (क़र्ज़-उल-हसना)",
        "کارمزد (قرض‌الحسنه)",
    ),
    (
        "Staff and office expenses",
        "कर्मचारी और कार्यालय व्यय",
        "هزینه‌های کارکنان و دفتر",
    ),
    ("savings regularity", "बचत की नियमितता", "نظم پس‌انداز"),
    ("books up to date", "अद्यतन खाते", "به‌روز بودن دفاتر"),
    ("meeting regularity", "बैठकों की नियमितता", "نظم جلسه‌ها"),
    ("internal lending", "आंतरिक ऋण", "وام‌دهی داخلی"),
    ("repayment", "ऋण वापसी", "بازپرداخت"),
    ("current", "समय पर", "جاری"),
    ("1-30 days", "1-30 दिन", "۱ تا ۳۰ روز"),
    ("31-60 days", "31-60 दिन", "۳۱ تا ۶۰ روز"),
    ("61-90 days", "61-90 दिन", "۶۱ تا ۹۰ روز"),
    ("over 90 days", "90 दिन से अधिक", "بیش از ۹۰ روز"),
];

/// The words of the reports as the CLI lays them out (titles, columns, row
/// labels), with their Hindi and Persian.
const REPORT_WORDS: &[(&str, &str, &str)] = &[
    ("Passbook", "पासबुक", "دفترچه عضو"),
    ("Loan ledger", "ऋण खाता बही", "دفتر وام"),
    ("Loan portfolio", "ऋण पोर्टफोलियो", "سبد وام‌ها"),
    (
        "Receipts and payments",
        "प्राप्ति और भुगतान",
        "دریافت‌ها و پرداخت‌ها",
    ),
    ("Income and expenditure", "आय और व्यय", "درآمد و هزینه"),
    ("Balance sheet", "तुलन पत्र", "ترازنامه"),
    ("Monthly report", "मासिक रिपोर्ट", "گزارش ماهانه"),
    ("Panchasutra grading", "पंचसूत्र ग्रेडिंग", "رتبه‌بندی پنج‌اصل"),
    ("Journal", "रोज़नामचा", "دفتر روزنامه"),
    ("Cash book", "रोकड़ बही", "دفتر صندوق"),
    ("Bank book", "बैंक बही", "دفتر بانک"),
    (
        "CIF reconciliation",
        "सीआईएफ मिलान",
        "تطبیق صندوق سرمایه‌گذاری اجتماعی",
    ),
    ("Trial balance", "तलपट", "تراز آزمایشی"),
    ("account", "खाता", "حساب"),
    ("name", "नाम", "نام"),
    ("amount", "राशि", "مبلغ"),
    ("debit", "नामे", "بدهکار"),
    ("credit", "जमा", "بستانکار"),
    ("total", "कुल", "جمع"),
    ("seq", "क्रम", "ردیف"),
    ("date", "तिथि", "تاریخ"),
    ("narration", "विवरण", "شرح"),
    ("paid", "जमा किया", "پرداخت‌شده"),
    ("received", "प्राप्त किया", "دریافت‌شده"),
    ("principal", "मूलधन", "اصل"),
    ("interest", "ब्याज", "سود"),
    ("penalty", "दंड", "جریمه"),
    ("fines, fees", "जुर्माना, शुल्क", "جریمه‌ها، کارمزدها"),
    ("compulsory", "अनिवार्य", "اجباری"),
    ("voluntary", "स्वैच्छिक", "اختیاری"),
    ("loan", "ऋण", "وام"),
    ("compulsory bal", "अनिवार्य शेष", "مانده اجباری"),
    ("voluntary bal", "स्वैच्छिक शेष", "مانده اختیاری"),
    ("loan bal", "ऋण शेष", "مانده وام"),
    ("opening", "प्रारंभिक शेष", "مانده اول دوره"),
    ("total and closing", "कुल और अंतिम शेष", "جمع و مانده پایان"),
    ("kind", "प्रकार", "نوع"),
    ("disbursed", "वितरित", "پرداخت وام"),
    ("written off", "बट्टे खाते", "سوخت‌شده"),
    ("outstanding", "बकाया", "مانده"),
    ("member", "सदस्य", "عضو"),
    ("arrears", "देय बकाया", "معوقه"),
    ("dpd", "देय तिथि से दिन", "روز تأخیر"),
    ("bucket", "अतिदेय अवधि", "دوره معوق"),
    ("receipt", "प्राप्ति", "دریافت"),
    ("payment", "भुगतान", "پرداخت"),
    ("balance", "शेष", "مانده"),
    ("day total", "दिन का योग", "جمع روز"),
    ("asset", "परिसंपत्ति", "دارایی"),
    ("liability", "देयता", "بدهی"),
    ("equity", "पूंजी", "حقوق صاحبان سرمایه"),
    ("income", "आय", "درآمد"),
    ("expenditure", "व्यय", "هزینه"),
    ("surplus", "अधिशेष", "مازاد"),
    ("Accumulated surplus", "संचित अधिशेष", "مازاد انباشته"),
    ("total assets", "कुल परिसंपत्तियाँ", "جمع دارایی‌ها"),
    (
        "total liabilities and equity",
        "कुल देयताएँ और पूंजी",
        "جمع بدهی‌ها و حقوق صاحبان سرمایه",
    ),
    ("item", "मद", "قلم"),
    ("value", "मान", "مقدار"),
    ("meetings", "बैठकें", "جلسه‌ها"),
    ("meeting dates", "बैठक तिथियाँ", "تاریخ جلسه‌ها"),
    ("attendance", "उपस्थिति", "حضور"),
    ("compulsory savings", "अनिवार्य बचत", "پس‌انداز اجباری"),
    ("voluntary savings", "स्वैच्छिक बचत", "پس‌انداز اختیاری"),
    ("withdrawals", "निकासी", "برداشت‌ها"),
    (
        "savings returned at exits",
        "निकास पर लौटाई बचत",
        "پس‌انداز بازگشتی هنگام خروج",
    ),
    ("loans disbursed", "वितरित ऋण", "وام‌های پرداخت‌شده"),
    ("amount disbursed", "वितरित राशि", "مبلغ پرداخت‌شده"),
    ("principal repaid", "चुकाया गया मूलधन", "اصل بازپرداخت‌شده"),
    ("interest collected", "प्राप्त ब्याज", "سود دریافتی"),
    ("penalties collected", "प्राप्त दंड", "جریمه‌های دریافتی"),
    ("fines and fees", "जुर्माना और शुल्क", "جریمه‌ها و کارمزدها"),
    ("closing cash", "अंतिम नकद", "موجودی نقد پایان"),
    ("closing bank", "अंतिम बैंक शेष", "موجودی بانک پایان"),
    ("loans outstanding", "बकाया ऋण", "مانده وام‌ها"),
    ("norm", "मानदंड", "معیار"),
    ("score", "अंक", "امتیاز"),
    ("how", "गणना", "محاسبه"),
    ("reference", "संदर्भ", "شماره مرجع"),
    ("lent to", "किसे दिया", "وام‌گیرنده"),
    ("outstanding (lender)", "बकाया (ऋणदाता)", "مانده (وام‌دهنده)"),
    (
        "outstanding (borrower)",
        "बकाया (उधारकर्ता)",
        "مانده (وام‌گیرنده)",
    ),
    ("borrower", "उधारकर्ता", "وام‌گیرنده"),
    ("difference", "अंतर", "اختلاف"),
    ("status", "स्थिति", "وضعیت"),
    ("agrees", "मेल खाता है", "مطابق است"),
    ("differs", "अंतर है", "اختلاف دارد"),
    ("no reference", "कोई संदर्भ नहीं", "بدون شماره مرجع"),
    ("reference held twice", "संदर्भ दो बार", "شماره مرجع تکراری"),
    ("note", "टिप्पणी", "یادداشت"),
    ("loans", "ऋण", "وام"),
    ("balanced", "संतुलित", "تراز است"),
    ("NOT BALANCED", "संतुलित नहीं", "تراز نیست"),
    ("closing", "अंतिम शेष", "مانده پایان دوره"),
    ("reverses", "उलटती है", "برگشتِ ثبت"),
    ("reversed by", "उलटी गई", "برگشت‌خورده با"),
    // The kinds of entries, as the journal and a loan's ledger name them.
    ("money.receipt", "प्राप्ति", "دریافت"),
    ("money.payment", "भुगतान", "پرداخت"),
    ("money.transfer", "नकद-बैंक अंतरण", "انتقال صندوق و بانک"),
    ("savings.deposit", "बचत जमा", "واریز پس‌انداز"),
    ("savings.withdrawal", "बचत निकासी", "برداشت پس‌انداز"),
    ("charge.collected", "शुल्क या जुर्माना", "جریمه یا کارمزد"),
    ("loan.disbursed", "ऋण वितरण", "پرداخت وام"),
    ("loan.repaid", "ऋण वापसी", "بازپرداخت وام"),
    ("loan.written_off", "ऋण बट्टे खाते", "سوخت وام"),
    ("facility.received", "उधार प्राप्त", "دریافت تسهیلات"),
    ("meeting.closed", "बैठक समापन", "بستن جلسه"),
    ("meeting.reopened", "बैठक फिर खुली", "بازگشایی جلسه"),
    ("member.exited", "सदस्य निकास", "خروج عضو"),
    ("cutoff.recorded", "कट-ऑफ़ पर शेष", "مانده‌های آغاز دوره"),
    ("entry.reversed", "उलट प्रविष्टि", "برگشت ثبت"),
];

/// One of the core's English names (an account of the default chart, a
/// grading norm, a portfolio bucket, a report's word) in `locale`; a name the
/// catalogue does not hold, such as an account a group added, is shown as it
/// was written.
pub fn name(english: &str, locale: Locale) -> &str {
    let found = NAMES.iter().chain(REPORT_WORDS).find(|n| n.0 == english);
    match (locale, found) {
        (Locale::HiIn, Some(n)) => n.1,
        (Locale::FaIr, Some(n)) => n.2,
        _ => english,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::default_chart;
    use crate::org::OrgKind;

    const ALL: [Locale; 3] = [Locale::EnIn, Locale::HiIn, Locale::FaIr];

    #[test]
    fn a_term_is_in_the_script_of_its_locale() {
        for l in ALL {
            let words = term(Term::Savings, l);
            let script = |c: char| match l {
                Locale::EnIn => c.is_ascii_alphabetic(),
                Locale::HiIn => ('\u{0900}'..='\u{097F}').contains(&c),
                Locale::FaIr => ('\u{0600}'..='\u{06FF}').contains(&c),
            };
            assert!(words.chars().any(script), "{words} in {l:?}");
        }
        assert_eq!(term(Term::TrialBalance, Locale::HiIn), "तलपट");
    }

    #[test]
    fn every_default_account_of_every_kind_is_named_in_hindi_and_persian() {
        for kind in [
            OrgKind::Shg,
            OrgKind::Vo,
            OrgKind::Clf,
            OrgKind::Ngo,
            OrgKind::Fund,
        ] {
            for a in default_chart(kind) {
                for l in [Locale::HiIn, Locale::FaIr] {
                    assert_ne!(name(a.name, l), a.name, "{} in {l:?}", a.name);
                }
            }
        }
        assert_eq!(
            name("An account a group made", Locale::FaIr),
            "An account a group made"
        );
    }

    #[test]
    fn no_english_word_is_given_two_meanings() {
        let all: Vec<&str> = NAMES.iter().chain(REPORT_WORDS).map(|n| n.0).collect();
        for w in &all {
            assert_eq!(all.iter().filter(|x| *x == w).count(), 1, "{w}");
        }
        assert_eq!(name("total", Locale::HiIn), "कुल");
        assert_eq!(name("Balance sheet", Locale::FaIr), "ترازنامه");
    }
}
