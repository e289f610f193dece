package org.daftar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library as a Java caller sees it: numbers are plain int and long, so
 * every method keeps its own name (Kotlin renames, "mangles", the functions
 * and getters that take or return its unsigned types, and Java cannot call
 * those).
 */
class JavaCallerTest {
    @TempDir
    Path dir;

    private static final LocalDate OPENED = LocalDate.of(2025, 4, 1);

    private static CommandMeta meta() {
        return CommandsKt.commandMeta("asha", "phone-a", null);
    }

    private static UUID foundGroup(DaftarBook book) throws DaftarException {
        UUID id = UUID.randomUUID();
        book.createOrganisation(meta(), new NewOrganisation(
                id, OrgKind.SHG, "Asha SHG", new Currency("INR", 2), Calendar.GREGORIAN,
                new FiscalYearStart(4, 1), Locale.EN_IN,
                new RoundingRule(RoundingMode.HALF_UP, RoundingUnit.MINOR), OPENED));
        book.addMember(meta(), id, new NewMember(null, "Sita", MemberRole.MEMBER, null, OPENED));
        return id;
    }

    @Test
    void javaRecordsAMeetingAndReadsItBackWithIntAndLongNumbers() throws Exception {
        try (DaftarBook book = DaftarBook.Companion.open(dir.resolve("book.daftar").toString())) {
            UUID org = foundGroup(book);
            CommandResult opened = book.openMeeting(meta(), org, LocalDate.of(2025, 4, 7));
            int meetingNo = opened.getNumber();
            book.markAttendance(meta(), org, meetingNo, 1, true);
            CommandResult saved = book.depositSavings(meta(), org, new SavingsEntry(
                    LocalDate.of(2025, 4, 7), 1, Via.CASH, new BigDecimal("100"), SavingsFund.COMPULSORY));
            long seq = saved.getSeq();

            MemberSheet sheet = book.memberSheet(org, 1);
            assertEquals(1, sheet.getMemberNo());
            assertEquals(meetingNo, sheet.getMeetingNo());
            assertEquals(Presence.PRESENT, sheet.getPresence());

            List<JournalEntry> journal = book.journal(org, OPENED, LocalDate.of(2025, 4, 30));
            assertTrue(journal.stream().anyMatch(e -> e.getSeq() == seq), "the deposit's seq is a long Java can compare");
            assertEquals(0, new BigDecimal("100").compareTo(book.cashInHand(org)));
        }
    }

    @Test
    void aNegativeNumberFromJavaIsRefusedNamingItsFieldAndRecordsNothing() throws Exception {
        try (DaftarBook book = DaftarBook.Companion.open(dir.resolve("book.daftar").toString())) {
            UUID org = foundGroup(book);
            long before = book.syncState(org).getHead().getSeq();

            DaftarException.InvalidInput member = assertThrows(DaftarException.InvalidInput.class,
                    () -> book.depositSavings(meta(), org, new SavingsEntry(
                            LocalDate.of(2025, 4, 7), -1, Via.CASH, BigDecimal.TEN, SavingsFund.COMPULSORY)));
            assertEquals("member_no", member.getField());
            DaftarException.InvalidInput seq = assertThrows(DaftarException.InvalidInput.class,
                    () -> book.reverseEntry(meta(), org, -5L, LocalDate.of(2025, 4, 7), "typed twice"));
            assertEquals("seq", seq.getField());
            assertThrows(DaftarException.InvalidInput.class, () -> book.memberSheet(org, Integer.MIN_VALUE));

            assertEquals(before, book.syncState(org).getHead().getSeq());
        }
    }

    /**
     * Every public method of the library's API has a name Java can call. UniFFI's
     * own converters (FfiConverter*, which count bytes as ULong) and Kotlin's
     * `internal` members (named with a `$`) are plumbing, not API.
     */
    @Test
    void noPublicMethodOfTheLibraryHasAMangledName() throws Exception {
        Path classes = Path.of(DaftarBook.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> mangled = new ArrayList<>();
        int checked = 0;
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                String name = classes.relativize(f).toString().replace(File.separatorChar, '.').replaceAll("\\.class$", "");
                Class<?> c = Class.forName(name, false, getClass().getClassLoader());
                if (!Modifier.isPublic(c.getModifiers()) || c.getSimpleName().startsWith("FfiConverter")) continue;
                for (Method m : c.getDeclaredMethods()) {
                    if (!Modifier.isPublic(m.getModifiers()) || m.isSynthetic() || m.getName().contains("$")) continue;
                    checked++;
                    if (m.getName().contains("-")) mangled.add(c.getSimpleName() + "." + m.getName());
                }
            }
        }
        assertTrue(checked > 500, "the library's classes were found (" + checked + " methods)");
        assertEquals(List.of(), mangled);
    }
}
