/**
 * Tables (plain text and Markdown) and headless PNG charts for reports. The {@code tri} command
 * and the bench module both draw with these, so their outputs look alike and are fixed in one
 * place. JDK only ({@code java.desktop}); a library user never needs this module.
 */
package io.trinity.pool.report;
