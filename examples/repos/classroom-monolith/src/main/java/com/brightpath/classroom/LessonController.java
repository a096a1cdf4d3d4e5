package com.brightpath.classroom;

import org.springframework.web.bind.annotation.*;

@RestController
@RequestMapping("/api/lessons")
public class LessonController {
  private final LessonRepository lessons;
  private final OutboxPublisher outbox;

  public LessonController(LessonRepository lessons, OutboxPublisher outbox) {
    this.lessons = lessons;
    this.outbox = outbox;
  }

  @PostMapping("/{lessonId}/complete")
  public void complete(@PathVariable String lessonId, @RequestParam String learnerId) {
    lessons.markCompleted(lessonId, learnerId);
    outbox.publish("LessonCompleted", learnerId, lessonId); // same DB transaction
  }
}
