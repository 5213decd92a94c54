package dev.weft.chaos.lab;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class or method that needs the lab (root and network namespaces). Without them it is skipped
 * with one line saying why. Test methods may declare a {@link Lab} parameter: it is created for the test,
 * closed after it, and on failure the last lines of its processes' logs are attached to the error.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(LabExtension.class)
public @interface RequiresLab {}
